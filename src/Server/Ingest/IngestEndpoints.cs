using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.Server.Auth;
using P1Telemetry.Server.Diagnostics;
using P1Telemetry.Server.ReadCache;
using P1Telemetry.Server.Realtime;
using P1Telemetry.Server.Storage;

namespace P1Telemetry.Server.Ingest;

public static class IngestEndpoints
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 16 };

    /// <summary><c>POST /v1/ingest</c>: a wrapped batch of one device's samples, stored idempotently.</summary>
    public static RouteGroupBuilder MapIngest(this RouteGroupBuilder group)
    {
        group.MapPost("/ingest", IngestAsync)
            .WithName("Ingest")
            .WithSummary("Store a batch of samples of the caller's device")
            .WithDescription("Body: {\"samples\":[...]} as application/json, optionally Content-Encoding: gzip. " +
                "Re-sending samples is harmless: existing (device_id, ts) rows count as duplicates.")
            .Accepts<IngestRequest>("application/json")
            .Produces<IngestResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .DisableAntiforgery();
        return group;
    }

    internal static async Task<Results<Ok<IngestResponse>, ProblemHttpResult>> IngestAsync(
        HttpContext context,
        ISampleStore store,
        LatestSampleCache latest,
        HistoryCache history,
        IOptions<IngestOptions> options,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        var logger = loggerFactory.CreateLogger(typeof(IngestEndpoints));
        var caller = context.User.GetDeviceId()!;
        var limits = options.Value;

        var unsupported = CheckMediaType(context.Request);
        if (unsupported is not null)
        {
            return Reject(logger, caller, unsupported);
        }

        using var body = await IngestBodyReader.ReadAsync(context.Request, limits.MaxBodyBytes, cancellationToken);
        if (!body.Succeeded)
        {
            return Reject(logger, caller, TypedResults.Problem(statusCode: body.Status, title: body.Title, detail: body.Detail));
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.Body, DocumentOptions);
        }
        catch (JsonException ex)
        {
            return Reject(logger, caller, TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest,
                title: "Malformed JSON", detail: $"The body is not valid JSON: {ex.Message}"));
        }

        using (document)
        {
            var batch = ReadBatch(document.RootElement, caller, limits, timeProvider.GetUtcNow());
            if (batch.Problem is not null)
            {
                return Reject(logger, caller, batch.Problem);
            }

            var result = await store.AppendAsync(caller, batch.Samples!, cancellationToken);
            if (result.Inserted > 0)
            {
                await latest.RefreshAsync(caller, cancellationToken);
                await history.OnIngestedAsync(caller, batch.Samples!, cancellationToken);
            }

            Log.Ingested(logger, caller, result.Inserted, result.Duplicates);
            return TypedResults.Ok(new IngestResponse(result.Inserted, result.Duplicates));
        }
    }

    private static ProblemHttpResult? CheckMediaType(HttpRequest request)
    {
        if (!request.HasJsonContentType())
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported content type",
                detail: $"Send the batch as application/json, not '{request.ContentType ?? "(none)"}'.");
        }

        var encoding = request.Headers.ContentEncoding.ToString().Trim();
        if (encoding.Length > 0
            && !encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase)
            && !encoding.Equals("x-gzip", StringComparison.OrdinalIgnoreCase)
            && !encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported content encoding",
                detail: $"Content-Encoding '{encoding}' is not supported; use gzip or none.");
        }

        return null;
    }

    private static BatchReadResult ReadBatch(JsonElement root, string caller, IngestOptions limits, DateTimeOffset now)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return BatchReadResult.Fail(Unprocessable("The body must be a JSON object {\"samples\": [...]}, not a bare value or array.", []));
        }

        if (!root.TryGetProperty("samples"u8, out var samples) || samples.ValueKind != JsonValueKind.Array)
        {
            return BatchReadResult.Fail(Unprocessable("The body must carry a 'samples' array.", []));
        }

        var count = samples.GetArrayLength();
        if (count == 0)
        {
            return BatchReadResult.Fail(Unprocessable("The batch is empty: 'samples' holds no sample.", []));
        }

        if (count > limits.MaxBatchSamples)
        {
            return BatchReadResult.Fail(Unprocessable(
                $"The batch holds {count} samples; at most {limits.MaxBatchSamples} (MAX_BATCH_SAMPLES) are accepted per request.", []));
        }

        // Another device's data is refused as a whole, before looking at anything else; a malformed id is a 422.
        var index = 0;
        foreach (var element in samples.EnumerateArray())
        {
            if (element.ValueKind == JsonValueKind.Object
                && element.TryGetProperty("device_id"u8, out var deviceId)
                && deviceId.ValueKind == JsonValueKind.String
                && !deviceId.ValueEquals(caller)
                && DeviceIdFormat.IsValid(deviceId.GetString()))
            {
                return BatchReadResult.Fail(TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                    detail: $"Sample {index} carries device_id '{Truncate(deviceId.GetString()!)}' but the token belongs to device '{caller}'."));
            }

            index++;
        }

        var parser = new SampleParser(now, TimeSpan.FromSeconds(limits.MaxClockSkewSeconds));
        var errors = new List<SampleError>();
        var parsed = new Sample[count];
        index = 0;
        foreach (var element in samples.EnumerateArray())
        {
            var sample = parser.Parse(element, index, errors);
            if (sample is not null)
            {
                parsed[index] = sample;
            }

            index++;
        }

        if (errors.Count > 0)
        {
            var badSamples = errors.Select(e => e.Index).Distinct().Count();
            return BatchReadResult.Fail(Unprocessable($"{badSamples} of {count} samples are invalid; nothing was stored.", errors));
        }

        return new BatchReadResult(parsed, null);
    }

    private static ProblemHttpResult Unprocessable(string detail, List<SampleError> errors) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status422UnprocessableEntity,
            title: "Invalid samples",
            detail: detail,
            extensions: new Dictionary<string, object?> { ["errors"] = errors });

    private static ProblemHttpResult Reject(ILogger logger, string caller, ProblemHttpResult problem)
    {
        Log.IngestRejected(logger, caller, problem.StatusCode, problem.ProblemDetails.Title ?? string.Empty);
        return problem;
    }

    private static string Truncate(string value) => value.Length <= 64 ? value : value[..64] + "...";

    private sealed record BatchReadResult(Sample[]? Samples, ProblemHttpResult? Problem)
    {
        public static BatchReadResult Fail(ProblemHttpResult problem) => new(null, problem);
    }
}
