using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.Server.Accounts;
using P1Telemetry.Server.Alerts;
using P1Telemetry.Server.Auth;
using P1Telemetry.Server.Caching;
using P1Telemetry.Server.Diagnostics;
using P1Telemetry.Server.Live;
using P1Telemetry.Server.Storage;

namespace P1Telemetry.Server.Ingest;

public static class IngestEndpoints
{
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
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .DisableAntiforgery();
        return group;
    }

    internal static async Task<Results<Ok<IngestResponse>, ProblemHttpResult>> IngestAsync(
        HttpContext context, [AsParameters] IngestServices services, CancellationToken cancellationToken)
    {
        var timeProvider = services.TimeProvider;
        var started = timeProvider.GetTimestamp();
        try
        {
            var answer = await StoreAsync(context, services, cancellationToken);
            services.Metrics.IngestAnswered(answer.Result is ProblemHttpResult problem ? problem.StatusCode : StatusCodes.Status200OK,
                timeProvider.GetElapsedTime(started));
            return answer;
        }
        catch (Exception ex)
        {
            // What the exception handler will answer: a database that did not answer is a retryable 503.
            var status = ex switch
            {
                OperationCanceledException when cancellationToken.IsCancellationRequested => StatusCodes.Status499ClientClosedRequest,
                BadHttpRequestException bad => bad.StatusCode,
                System.Data.Common.DbException or TimeoutException => StatusCodes.Status503ServiceUnavailable,
                _ => StatusCodes.Status500InternalServerError,
            };
            services.Metrics.IngestAnswered(status, timeProvider.GetElapsedTime(started));
            throw;
        }
    }

    private static async Task<Results<Ok<IngestResponse>, ProblemHttpResult>> StoreAsync(
        HttpContext context, IngestServices services, CancellationToken cancellationToken)
    {
        var (store, invalidation, committedSamples, alerts, uploads, options, metrics, timeProvider, loggerFactory) = services;
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

        if (!System.Text.Unicode.Utf8.IsValid(body.Body.Span))
        {
            return Reject(logger, caller, TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest,
                title: "Malformed JSON", detail: "The body is not valid JSON: it is not UTF-8 text."));
        }

        IngestBatch batch;
        var now = timeProvider.GetUtcNow();
        try
        {
            batch = new IngestBatchReader(caller, limits.MaxBatchSamples, now, TimeSpan.FromSeconds(limits.MaxClockSkewSeconds))
                .Read(body.Body.Span);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return Reject(logger, caller, TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest,
                title: "Malformed JSON", detail: $"The body is not valid JSON: {ex.Message}"));
        }

        if (batch.Samples is null)
        {
            return Reject(logger, caller, batch.Status == StatusCodes.Status403Forbidden
                ? TypedResults.Problem(statusCode: batch.Status, title: "Forbidden", detail: batch.Detail)
                : IngestProblems.Unprocessable(batch, now, limits.MaxClockSkewSeconds));
        }

        metrics.BatchReceived(batch.Samples.Count);
        AppendResult result;
        try
        {
            result = await store.AppendAsync(caller, batch.Samples, cancellationToken);
        }
        catch (DuplicatesNotConfirmedException ex)
        {
            metrics.DatabaseError("ingest_unconfirmed");
            Log.DuplicatesNotConfirmed(logger, ex, caller, ex.Missing, batch.Samples.Count);
            context.Response.Headers.RetryAfter = "30";
            return IngestProblems.Unconfirmed(ex.Missing);
        }

        metrics.SamplesStored(result.Inserted, result.Duplicates);

        // From here on rows may be committed: the cached reads are renewed whatever happens to the request, and
        // also for a batch of duplicates, which is the retry of an ingest whose renewal may have been cut short.
        await invalidation.IngestCommittedAsync(caller, batch.Samples, CancellationToken.None);
        if (result.Inserted > 0)
        {
            // Live streams on every replica push the batch's newest sample without a read of their own; one
            // that is older than what a stream already showed (a backlog) is ignored there.
            committedSamples.Publish(caller, batch.Samples.MaxBy(sample => sample.Ts)!);
            alerts.Committed(caller);
        }

        // The upload time is what the device list shows, not part of the acknowledged data: the answer does not
        // wait for its write, which would otherwise cost every request a second commit.
        _ = uploads.RecordAsync(caller, timeProvider.GetUtcNow(), CancellationToken.None);
        Log.Ingested(logger, caller, result.Inserted, result.Duplicates);
        return TypedResults.Ok(new IngestResponse(result.Inserted, result.Duplicates));
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

    private static ProblemHttpResult Reject(ILogger logger, string caller, ProblemHttpResult problem)
    {
        Log.IngestRejected(logger, caller, problem.StatusCode, problem.ProblemDetails.Title ?? string.Empty);
        return problem;
    }
}

/// <summary>What an ingest needs besides the request, bound from the container.</summary>
internal readonly record struct IngestServices(
    ISampleStore Store,
    CacheInvalidation Invalidation,
    CommittedSampleFeed CommittedSamples,
    AlertSignals Alerts,
    DeviceUploads Uploads,
    IOptions<IngestOptions> Options,
    ServerMetrics Metrics,
    TimeProvider TimeProvider,
    ILoggerFactory LoggerFactory);
