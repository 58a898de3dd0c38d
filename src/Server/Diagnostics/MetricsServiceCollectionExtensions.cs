using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using P1Telemetry.Server.Configuration;
using P1Telemetry.Server.Storage;

namespace P1Telemetry.Server.Diagnostics;

public static class MetricsServiceCollectionExtensions
{
    /// <summary>The meters exported besides the server's own: ASP.NET Core (requests, Kestrel) and the runtime (GC, thread pool).</summary>
    private const string RuntimeMeter = "System.Runtime";

    /// <summary><see cref="ServerMetrics"/>, the last-sample gauge, <c>METRICS_TOKEN</c> and the Prometheus exporter.</summary>
    public static IServiceCollection AddServerMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MetricsOptions>().Bind(configuration).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MetricsOptions>, MetricsOptionsValidator>();
        services.AddSingleton<MetricsAccess>();
        services.TryAddSingleton<ServerMetrics>();
        services.AddSingleton<ILastSampleTimes>(sp => sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.UsesPostgres
            ? new PostgresLastSampleTimes(sp.GetRequiredService<NpgsqlDataSource>())
            : new SqliteLastSampleTimes(sp.GetRequiredService<SqliteConnectionFactory>()));
        services.AddSingleton<LastSampleAges>();
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("p1-server"))
            .WithMetrics(metrics => metrics
                .AddMeter(ServerMetrics.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddMeter(RuntimeMeter)
                // Scrapes are few and authorized; a cached answer would hide what happened just before it.
                .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        return services;
    }
}
