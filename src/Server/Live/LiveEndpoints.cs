using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using P1Telemetry.Server.Auth;
using P1Telemetry.Server.Realtime;

namespace P1Telemetry.Server.Live;

public static class LiveEndpoints
{
    /// <summary>The event type of each push; its data is the <c>GET /v1/realtime</c> answer.</summary>
    public const string RealtimeEvent = "realtime";

    /// <summary>Sent when the device has no sample yet; a realtime event follows its first ingest.</summary>
    public const string NoDataEvent = "no_data";

    /// <summary>A comment line this often keeps proxies and browsers from closing an idle stream.</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(15);

    private static readonly byte[] Heartbeat = Encoding.ASCII.GetBytes(": heartbeat\n\n");

    /// <summary><c>GET /v1/live?device_id=</c>: Server-Sent Events with the realtime answer after every ingest.</summary>
    public static RouteGroupBuilder MapLive(this RouteGroupBuilder group)
    {
        group.MapGet("/live", Stream)
            .RequireDeviceAccess()
            .WithName("GetLive")
            .WithSummary("Server-Sent Events: the latest sample and the quarter in progress, pushed after each ingest (at most 1/s)")
            .WithDescription("text/event-stream. Events 'realtime' carry the same JSON as GET /v1/realtime; 'no_data' means the " +
                "device has not sent a sample yet. A comment line every 15 s keeps idle connections open.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return group;
    }

    internal static IResult Stream(
        [FromQuery(Name = "device_id")] string? deviceId,
        HttpContext context,
        LiveHub hub,
        LatestSampleCache latest,
        IHostApplicationLifetime lifetime)
    {
        // Proxies such as nginx buffer unless told not to; Caddy flushes event streams by itself.
        context.Response.Headers["X-Accel-Buffering"] = "no";
        return TypedResults.ServerSentEvents(EventsAsync(deviceId!, context, hub, latest, lifetime.ApplicationStopping, context.RequestAborted));
    }

    private static async IAsyncEnumerable<SseItem<string>> EventsAsync(
        string deviceId,
        HttpContext context,
        LiveHub hub,
        LatestSampleCache latest,
        CancellationToken stopping,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(stopping, cancellationToken);
        var token = ended.Token;
        // Subscribed before the first read, so that an ingest between the two is not missed.
        using var subscription = hub.Subscribe(deviceId);

        var current = await latest.GetAsync(deviceId, token);
        yield return current is null
            ? new SseItem<string>("{}", NoDataEvent)
            : new SseItem<string>(await hub.PayloadAsync(current, token), RealtimeEvent);

        while (!token.IsCancellationRequested)
        {
            string? payload = null;
            using (var beat = CancellationTokenSource.CreateLinkedTokenSource(token))
            {
                beat.CancelAfter(HeartbeatInterval);
                try
                {
                    payload = await subscription.Reader.ReadAsync(beat.Token);
                }
                catch (OperationCanceledException) when (!token.IsCancellationRequested)
                {
                }
                catch (OperationCanceledException)
                {
                    yield break;
                }
            }

            if (payload is null)
            {
                // Between two items the formatter has flushed everything it wrote, so a comment line can go
                // straight to the body (SseItem has no comments).
                if (!await TryWriteHeartbeatAsync(context, token))
                {
                    yield break;
                }

                continue;
            }

            yield return new SseItem<string>(payload, RealtimeEvent);
        }
    }

    private static async Task<bool> TryWriteHeartbeatAsync(HttpContext context, CancellationToken cancellationToken)
    {
        try
        {
            await context.Response.Body.WriteAsync(Heartbeat, cancellationToken);
            await context.Response.Body.FlushAsync(cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            return false;
        }
    }
}
