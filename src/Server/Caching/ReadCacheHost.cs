using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.Memory;

namespace P1Telemetry.Server.Caching;

/// <summary>
/// Builds the one <see cref="HybridCache"/> of the read path: entries in this replica's memory (L1) and, with
/// <c>REDIS_URL</c>, in Redis as well (L2), so that a value one replica computed serves the others.
/// </summary>
/// <remarks>
/// It lives in a container of its own because HybridCache takes its clock and its memory cache from the
/// container: here entries expire on the injected clock (on Redis's when Redis holds them too), the clock it
/// stamps entries with never repeats a reading (see <see cref="StrictlyIncreasingClock"/>), and the
/// application's own <see cref="TimeProvider"/> and <see cref="IMemoryCache"/> stay as they are.
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
        services.AddSingleton<TimeProvider>(new StrictlyIncreasingClock(clock));
        // Redis expires its copy on its own (real) clock; the memory copy must not outlive it.
        var expiry = secondLevel is null ? clock : TimeProvider.System;
        services.AddMemoryCache(options => options.Clock = new InjectedSystemClock(expiry));
        if (secondLevel is not null)
        {
            services.AddSingleton(secondLevel);
        }

        services.AddHybridCache(options => options.MaximumPayloadBytes = MaximumPayloadBytes)
            .AddSerializer<CachedBytes, CachedBytesSerializer>();
        _provider = services.BuildServiceProvider();
        Cache = _provider.GetRequiredService<HybridCache>();
    }

    public HybridCache Cache { get; }

    public void Dispose() => _provider.Dispose();

    private sealed class InjectedSystemClock(TimeProvider clock) : Microsoft.Extensions.Internal.ISystemClock
    {
        public DateTimeOffset UtcNow => clock.GetUtcNow();
    }
}
