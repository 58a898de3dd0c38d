using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using P1Telemetry.Server.Diagnostics;
using StackExchange.Redis;

namespace P1Telemetry.Server.Caching;

public static class CacheServiceCollectionExtensions
{
    private static bool UsesRedis(IServiceProvider services) =>
        !string.IsNullOrWhiteSpace(services.GetRequiredService<IOptions<CacheOptions>>().Value.RedisUrl);

    /// <summary>Redis when <c>REDIS_URL</c> is set, else the in-process cache.</summary>
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
        services.AddSingleton<ICache>(sp => new MeteredCache(
            UsesRedis(sp)
                ? new RedisCache(sp.GetRequiredService<IConnectionMultiplexer>())
                : new InProcessCache(sp.GetRequiredService<TimeProvider>()),
            sp.GetRequiredService<ServerMetrics>()));
        services.AddSingleton<DeviceChangeFeed>(sp => UsesRedis(sp)
            ? new RedisDeviceChangeFeed(sp.GetRequiredService<IConnectionMultiplexer>())
            : new InProcessDeviceChangeFeed());
        // The cache's lookups are counted; hosts that do not export metrics still get the instruments.
        services.AddMetrics();
        services.TryAddSingleton<ServerMetrics>();
        services.AddHostedService<ReplicaGuard>();
        return services;
    }
}
