using System.Diagnostics.Metrics;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using P1Telemetry.Server.Caching;
using P1Telemetry.Server.Diagnostics;
using StackExchange.Redis;

namespace P1Telemetry.Server.Tests.Support;

/// <summary>The server's read cache outside a server: in memory, or with a real Redis as its second level.</summary>
public sealed class ReadCaches : IDisposable
{
    private readonly ServiceProvider _metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public ReadCaches(TimeProvider clock, IConnectionMultiplexer? redis = null)
    {
        var metrics = new ServerMetrics(_metrics.GetRequiredService<IMeterFactory>());
        IDistributedCache? secondLevel = redis is null ? null : new RedisDistributedCache(redis, metrics);
        Host = new ReadCacheHost(clock, NullLoggerFactory.Instance, secondLevel);
        Status = new CacheStatus(redis);
        Reads = new CachedReads(Host.Cache, Status, metrics);
    }

    public ReadCacheHost Host { get; }

    public CacheStatus Status { get; }

    public CachedReads Reads { get; }

    public void Dispose()
    {
        Host.Dispose();
        _metrics.Dispose();
    }
}
