using System.Text.Json.Serialization;
using P1Telemetry.Server.Alerts;
using P1Telemetry.Server.Caching;
using P1Telemetry.Server.Diagnostics;
using P1Telemetry.Server.Storage;

namespace P1Telemetry.Server.Health;

public static class HealthEndpoints
{
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(3);

    /// <summary>
    /// <c>GET /health</c>: database and cache status; 503 when the database is down, 200 "degraded" when only
    /// the cache is. <c>GET /health/live</c>: the process answers.
    /// </summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/health", CheckAsync)
            .WithName("Health")
            .WithSummary("Database and cache status")
            .Produces<HealthReport>()
            .Produces<HealthReport>(StatusCodes.Status503ServiceUnavailable);
        endpoints.MapGet("/health/live", () => TypedResults.Ok(new LiveReport("alive")))
            .WithName("Liveness")
            .WithSummary("The process is running");
        return endpoints;
    }

    internal static async Task<IResult> CheckAsync(ISampleStore store, CacheStatus cache, AlertHealth alerts, ServerMetrics metrics, ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        var logger = loggerFactory.CreateLogger(typeof(HealthEndpoints));
        var database = await ProbeAsync(ct => store.CheckHealthAsync(ct), cancellationToken);
        if (database.Error is not null)
        {
            metrics.DatabaseError("health");
            Log.DatabaseUnavailable(logger, database.Error);
        }

        var cacheProbe = await ProbeAsync(ct => cache.CheckHealthAsync(ct), cancellationToken);
        if (cacheProbe.Error is not null)
        {
            Log.CacheFailed(logger, cacheProbe.Error, cache.Kind, "health check");
        }

        AlertsStatus? alertStatus = null;
        if (database.Error is null)
        {
            var alertProbe = await ProbeAsync(async ct => alertStatus = await alerts.CheckAsync(ct), cancellationToken);
            if (alertProbe.Error is not null)
            {
                metrics.DatabaseError("health");
                Log.DatabaseUnavailable(logger, alertProbe.Error);
            }
        }

        var status = database.Error is not null ? "unhealthy"
            : cacheProbe.Error is not null || alertStatus is { Status: not "ok" } ? "degraded"
            : "healthy";
        var report = new HealthReport(
            status,
            new DependencyStatus(database.Error is null ? "up" : "down", store.Backend, Public(database.Error)),
            new DependencyStatus(cacheProbe.Error is null ? "up" : "down", cache.Kind, Public(cacheProbe.Error)),
            alertStatus);
        return database.Error is null
            ? TypedResults.Ok(report)
            : TypedResults.Json(report, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>
    /// Health is public: an exception's text can name hosts, ports, users or file paths, so the answer only says
    /// what kind of failure it was and the log holds the details.
    /// </summary>
    private static string? Public(Exception? error) => error switch
    {
        null => null,
        OperationCanceledException or TimeoutException => $"did not answer within {CheckTimeout.TotalSeconds:0} s; see the server log",
        _ => "the check failed; see the server log",
    };

    private static async Task<(Exception? Error, bool Ok)> ProbeAsync(Func<CancellationToken, Task> check, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CheckTimeout);
        try
        {
            await check(timeout.Token);
            return (null, true);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return (ex, false);
        }
    }
}

public sealed record HealthReport(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("database")] DependencyStatus Database,
    [property: JsonPropertyName("cache")] DependencyStatus Cache,
    [property: JsonPropertyName("alerts")] AlertsStatus? Alerts = null);

public sealed record DependencyStatus(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("error")] string? Error);

public sealed record LiveReport([property: JsonPropertyName("status")] string Status);
