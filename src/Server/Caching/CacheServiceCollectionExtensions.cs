using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace P1Telemetry.Server.Caching;

public static class CacheServiceCollectionExtensions
{
    /// <summary>Redis when <c>REDIS_URL</c> is set, else the in-process cache.</summary>
    public static IServiceCollection AddCache(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CacheOptions>().Bind(configuration).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<CacheOptions>, CacheOptionsValidator>();
        services.AddSingleton<ICache>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<CacheOptions>>().Value;
            if (string.IsNullOrWhiteSpace(options.RedisUrl))
            {
                return new InProcessCache(sp.GetRequiredService<TimeProvider>());
            }

            return RedisUrl.TryParse(options.RedisUrl, out var redis, out var error)
                ? new RedisCache(ConnectionMultiplexer.Connect(redis))
                : throw new OptionsValidationException("REDIS_URL", typeof(CacheOptions), [error]);
        });
        return services;
    }
}
