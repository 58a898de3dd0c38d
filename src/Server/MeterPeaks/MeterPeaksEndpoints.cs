using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.Server.Auth;
using P1Telemetry.Server.Caching;
using P1Telemetry.Server.Ingest;
using P1Telemetry.Server.ReadPath;

namespace P1Telemetry.Server.MeterPeaks;

public static partial class MeterPeaksEndpoints
{
    /// <summary>A history of 60 months is about 6 KB; anything far larger is not one.</summary>
    private const long MaxBodyBytes = 256 * 1024;

    /// <summary><c>POST /v1/meter-peaks</c>: the meter's own monthly peaks (0-0:98.1.0), upserted per device and month.</summary>
    public static RouteGroupBuilder MapMeterPeaks(this RouteGroupBuilder group)
    {
        group.MapPost("/meter-peaks", PostAsync)
            .WithName("PostMeterPeaks")
            .WithSummary("Store the meter's own monthly peak history of the caller's device")
            .WithDescription("Body: {\"device_id\", \"peaks\": [{\"month\": \"YYYY-MM\", \"peak_w\", \"peak_ts\"}], \"meter_state\"?}. " +
                "Idempotent: a month sent again replaces the stored one. The capacity views show these peaks beside the " +
                "computed ones and use them in the rolling average for months without samples.")
            .Accepts<MeterPeaksRequest>("application/json")
            .Produces<MeterPeaksResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .DisableAntiforgery();
        return group;
    }

    internal static async Task<Results<Ok<MeterPeaksResponse>, ProblemHttpResult>> PostAsync(
        HttpContext context,
        IMeterPeakStore store,
        CacheInvalidation invalidation,
        ReadPathSettings settings,
        IOptions<IngestOptions> ingestOptions,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        var logger = loggerFactory.CreateLogger(typeof(MeterPeaksEndpoints));
        var caller = context.User.GetDeviceId()!;
        if (!context.Request.HasJsonContentType())
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported content type",
                detail: $"Send the peaks as application/json, not '{context.Request.ContentType ?? "(none)"}'.");
        }

        using var body = await IngestBodyReader.ReadAsync(context.Request, MaxBodyBytes, cancellationToken);
        if (!body.Succeeded)
        {
            return TypedResults.Problem(statusCode: body.Status, title: body.Title, detail: body.Detail);
        }

        MeterPeaksRequest? request;
        try
        {
            request = JsonSerializer.Deserialize(body.Body.Span, WireJsonContext.Default.MeterPeaksRequest);
        }
        catch (JsonException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Malformed JSON",
                detail: $"The body is not a meter-peaks object: {ex.Message}");
        }

        if (request is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Malformed JSON", detail: "The body must be a JSON object.");
        }

        if (string.IsNullOrEmpty(request.DeviceId) || !DeviceIdFormat.IsValid(request.DeviceId))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Invalid meter peaks",
                detail: $"device_id is required and must be {DeviceIdFormat.Description}.");
        }

        if (!string.Equals(request.DeviceId, caller, StringComparison.Ordinal))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                detail: $"This token belongs to another device than '{request.DeviceId}'.");
        }

        var now = timeProvider.GetUtcNow();
        var errors = MeterPeaksValidator.Validate(request, settings.For(caller).Calendar, now,
            TimeSpan.FromSeconds(ingestOptions.Value.MaxClockSkewSeconds), out var peaks, out var state);
        if (errors.Count > 0)
        {
            LogRejected(logger, caller, errors.Count);
            return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Invalid meter peaks",
                detail: errors[0], extensions: new Dictionary<string, object?> { ["errors"] = errors });
        }

        await store.UpsertAsync(caller, peaks, state, now, cancellationToken);
        // Settled capacity answers were computed without these peaks; the stored peaks stay, whatever happens to the request.
        await invalidation.DeviceChangedAsync(caller, CancellationToken.None);
        LogStored(logger, caller, peaks.Count, state?.ClockStalled, state?.BelgianFieldsMissing);
        return TypedResults.Ok(new MeterPeaksResponse(peaks.Count));
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Information, Message = "Stored {Count} meter peak month(s) of {DeviceId} (clock stalled: {ClockStalled}, Belgian fields missing: {BelgianFieldsMissing})")]
    private static partial void LogStored(ILogger logger, string deviceId, int count, bool? clockStalled, bool? belgianFieldsMissing);

    [LoggerMessage(EventId = 41, Level = LogLevel.Warning, Message = "Meter peaks of {DeviceId} refused: {ErrorCount} invalid field(s)")]
    private static partial void LogRejected(ILogger logger, string deviceId, int errorCount);
}
