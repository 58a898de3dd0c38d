using System.Diagnostics.Metrics;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using P1Telemetry.Server.Caching;
using P1Telemetry.Server.Diagnostics;
using P1Telemetry.Server.ReadPath;
using StackExchange.Redis;

namespace P1Telemetry.Server.Tests.Support;

/// <summary>One replica's read cache outside a server: in memory, or with a real Redis for its stamps and second level.</summary>
public sealed class ReadCaches : IDisposable
{
    private readonly ServiceProvider _metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public ReadCaches(TimeProvider clock, IConnectionMultiplexer? redis = null)
    {
        var metrics = new ServerMetrics(_metrics.GetRequiredService<IMeterFactory>());
        IDistributedCache? secondLevel = redis is null ? null : new RedisDistributedCache(redis, metrics);
        Host = new ReadCacheHost(clock, NullLoggerFactory.Instance, secondLevel);
        Status = new CacheStatus(redis);
        Stamps = redis is null ? new InProcessDeviceStampStore() : new RedisDeviceStampStore(redis);
        Reads = new CachedReads(Host, Stamps, Status, metrics, NullLogger<CachedReads>.Instance);
        History = new HistoryCache(Reads, clock, new ReadPathSettings(Options.Create(new CapacityOptions())));
        Invalidation = new CacheInvalidation(Stamps, History, Status, NullLogger<CacheInvalidation>.Instance);
    }

    public ReadCacheHost Host { get; }

    public CacheStatus Status { get; }

    public DeviceStampStore Stamps { get; }

    public CachedReads Reads { get; }

    public HistoryCache History { get; }

    public CacheInvalidation Invalidation { get; }

    public void Dispose()
    {
        Host.Dispose();
        _metrics.Dispose();
    }
}
