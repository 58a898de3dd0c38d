using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;

namespace P1Telemetry.Server.Caching;

/// <summary>
/// Builds the one <see cref="HybridCache"/> of the read path: entries in this replica's memory and, with
/// <c>REDIS_URL</c>, in Redis as well, so that a value one replica computed serves the others.
/// </summary>
/// <remarks>
/// It lives in a container of its own because HybridCache takes its clock, its memory cache and its second
/// level from the container it is built in: here the memory level expires entries on the injected clock, and
/// nothing else the application registers (an <see cref="IDistributedCache"/> of a framework feature, say)
/// becomes the read cache's second level by accident.
/// </remarks>
public sealed class ReadCacheHost : IDisposable
{
    // A month's response with every quarter is about 400 KiB; series over many years are larger.
    private const long MaximumPayloadBytes = 32 * 1024 * 1024;

    private readonly ServiceProvider _provider;

    /// <param name="clock">The injected clock.</param>
    /// <param name="loggerFactory">The application's logging.</param>
    /// <param name="secondLevel">Redis, or null for memory only.</param>
    public ReadCacheHost(TimeProvider clock, ILoggerFactory loggerFactory, IDistributedCache? secondLevel)
    {
        var services = new ServiceCollection();
        services.AddSingleton(loggerFactory);
        services.AddSingleton(clock);
        services.AddMemoryCache(options => options.Clock = new InjectedSystemClock(clock));
        if (secondLevel is not null)
        {
            services.AddSingleton(secondLevel);
        }

        services.AddHybridCache(options => options.MaximumPayloadBytes = MaximumPayloadBytes)
            .AddSerializer<CachedBytes, CachedBytesSerializer>();
        _provider = services.BuildServiceProvider();
        Cache = _provider.GetRequiredService<HybridCache>();
        HasSecondLevel = secondLevel is not null;
    }

    public HybridCache Cache { get; }

    /// <summary>Entries are also kept in Redis.</summary>
    public bool HasSecondLevel { get; }

    public void Dispose() => _provider.Dispose();

    private sealed class InjectedSystemClock(TimeProvider clock) : Microsoft.Extensions.Internal.ISystemClock
    {
        public DateTimeOffset UtcNow => clock.GetUtcNow();
    }
}
