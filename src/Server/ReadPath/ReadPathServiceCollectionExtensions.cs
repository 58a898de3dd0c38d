using Microsoft.Extensions.Options;
using P1Telemetry.Server.Caching;
using P1Telemetry.Server.Capacity;
using P1Telemetry.Server.Export;
using P1Telemetry.Server.Live;
using P1Telemetry.Server.Realtime;
using P1Telemetry.Server.Series;

namespace P1Telemetry.Server.ReadPath;

public static class ReadPathServiceCollectionExtensions
{
    /// <summary>The services of every read (realtime, live streams, capacity, series, export), with their validated settings.</summary>
    public static IServiceCollection AddReadPath(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CapacityOptions>().Bind(configuration).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CapacityOptions>, CapacityOptionsValidator>();
        services.AddSingleton<ReadPathSettings>();
        services.AddSingleton<HistoryCache>();
        services.AddSingleton<MonthDigests>();
        services.AddSingleton<CapacityService>();
        services.AddSingleton<SeriesService>();
        services.AddSingleton<ExportWriter>();
        services.AddSingleton<LatestSampleCache>();
        services.AddSingleton<LiveQuarterService>();
        services.AddSingleton<LiveHub>();
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Add(ReadJsonContext.Default));
        return services;
    }

    /// <summary>Maps the read endpoints on the authenticated <c>/v1</c> group.</summary>
    public static RouteGroupBuilder MapReadPath(this RouteGroupBuilder group) =>
        group.MapRealtime().MapLive().MapCapacity().MapSeries().MapExport();
}
