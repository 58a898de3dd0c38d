using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using P1Telemetry.Server.Auth;
using P1Telemetry.Server.Caching;

namespace P1Telemetry.Server.Realtime;

public static class RealtimeEndpoints
{
    /// <summary><c>GET /v1/realtime?device_id=</c>: the latest sample, cache-first.</summary>
    public static RouteGroupBuilder MapRealtime(this RouteGroupBuilder group)
    {
        group.MapGet("/realtime", GetRealtimeAsync)
            .RequireDeviceAccess()
            .WithName("GetRealtime")
            .WithSummary("The device's latest sample and the quarter-hour in progress")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    internal static async Task<Results<Ok<RealtimeResponse>, ProblemHttpResult>> GetRealtimeAsync(
        [FromQuery(Name = "device_id")] string? deviceId,
        LatestSampleCache latest,
        LiveQuarterService liveQuarter,
        CancellationToken cancellationToken)
    {
        // RequireDeviceAccess has checked device_id before the handler runs.
        var stamps = new RequestStamps();
        var sample = await latest.GetAsync(deviceId!, cancellationToken, stamps);
        return sample is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No data",
                detail: $"Device '{deviceId}' has not sent any sample yet.")
            : TypedResults.Ok(RealtimeResponse.From(sample) with
            {
                LiveQuarter = await liveQuarter.GetAsync(sample, cancellationToken, stamps),
            });
    }
}
