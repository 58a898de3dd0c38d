using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using P1Telemetry.Server.Diagnostics;
using P1Telemetry.Server.Live;
using StackExchange.Redis;

namespace P1Telemetry.Server.Caching;

public static class CacheServiceCollectionExtensions
{
    private static bool UsesRedis(IServiceProvider services) =>
        !string.IsNullOrWhiteSpace(services.GetRequiredService<IOptions<CacheOptions>>().Value.RedisUrl);

    /// <summary>
    /// The read cache: values in this process, and also in Redis when <c>REDIS_URL</c> is set, keyed by stamps
    /// that every replica reads from the same place (Redis, or this process when it is the only replica).
    /// </summary>
    public static IServiceCollection AddCache(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CacheOptions>().Bind(configuration).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<CacheOptions>, CacheOptionsValidator>();
        services.AddSingleton<IConnectionMultiplexer>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<CacheOptions>>().Value;
            return RedisUrl.TryParse(options.RedisUrl ?? string.Empty, out var redis, out var error)
                ? ConnectionMultiplexer.Connect(redis)
                : throw new OptionsValidationException("REDIS_URL", typeof(CacheOptions), [error]);
        });
        services.AddSingleton(sp => new CacheStatus(UsesRedis(sp) ? sp.GetRequiredService<IConnectionMultiplexer>() : null));
        services.AddSingleton(sp => new ReadCacheHost(
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>(),
            UsesRedis(sp) ? new RedisDistributedCache(sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<ServerMetrics>()) : null));
        services.AddSingleton<DeviceStampStore>(sp => UsesRedis(sp)
            ? new RedisDeviceStampStore(sp.GetRequiredService<IConnectionMultiplexer>())
            : new InProcessDeviceStampStore());
        services.AddSingleton<CachedReads>();
        services.AddSingleton<CacheInvalidation>();
        services.AddSingleton<CommittedSampleFeed>(sp => UsesRedis(sp)
            ? new RedisCommittedSampleFeed(sp.GetRequiredService<IConnectionMultiplexer>())
            : new InProcessCommittedSampleFeed());
        // The cache's lookups are counted; hosts that do not export metrics still get the instruments.
        services.AddMetrics();
        services.TryAddSingleton<ServerMetrics>();
        services.AddHostedService<ReplicaGuard>();
        return services;
    }
}
