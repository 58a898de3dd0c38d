namespace P1Telemetry.Server.Diagnostics;

public static class MetricsEndpoints
{
    public const string Path = "/metrics";

    /// <summary>
    /// <c>GET /metrics</c>: every instrument in the Prometheus text format (OpenMetrics when the scraper asks
    /// for it), for a caller that <see cref="MetricsAccess"/> admits; the devices' last sample times are read
    /// again first when the previous read is stale.
    /// </summary>
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPrometheusScrapingEndpoint(Path, meterProvider: null, configureBranchedPipeline: branch => branch.Use(async (context, next) =>
        {
            var services = context.RequestServices;
            if (services.GetRequiredService<MetricsAccess>().Check(context) is { } refused)
            {
                await refused.ExecuteAsync(context);
                return;
            }

            await services.GetRequiredService<LastSampleAges>().RefreshIfStaleAsync(context.RequestAborted);
            await next(context);
        }), optionsName: null);
        return endpoints;
    }
}
