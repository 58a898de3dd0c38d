using Microsoft.Extensions.Caching.Hybrid;
using P1Telemetry.Server.Diagnostics;

namespace P1Telemetry.Server.Caching;

/// <summary>
/// Every cached read goes through here: the device's stamps first (<see cref="DeviceStamps"/>, read from where
/// every replica reads them), then a <see cref="HybridCache"/> lookup under a key that contains them, counted as
/// a hit or a miss (<c>p1.cache.lookups</c>). Invalidation is a change of stamps (<see cref="CacheInvalidation"/>),
/// never a removal a replica could miss. A cache that fails never fails a read: without stamps the value is
/// computed from the database, and HybridCache treats a failing Redis as a miss.
/// </summary>
public sealed class CachedReads(ReadCacheHost host, DeviceStampStore stamps, CacheStatus status, ServerMetrics metrics, ILogger<CachedReads> logger)
{
    // With Redis as well, memory keeps a value shorter: other replicas still find it there.
    private static readonly TimeSpan LongestInMemoryBesideRedis = TimeSpan.FromMinutes(10);

    public string Kind => status.Kind;

    /// <summary>The device's current stamps, or null when they cannot be read (the caller then bypasses the cache).</summary>
    public async Task<DeviceStamps?> StampsAsync(string deviceId, RequestStamps? shared, CancellationToken cancellationToken)
    {
        if (shared is { Known: true })
        {
            return shared.Value;
        }

        DeviceStamps? value;
        try
        {
            value = await stamps.ReadAsync(deviceId, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            metrics.CacheLookup(status.Kind, "error");
            ReadLog.ReadCacheFailed(logger, ex, status.Kind, "stamps");
            value = null;
        }

        shared?.Remember(value);
        return value;
    }

    /// <summary>The cached value of <paramref name="key"/> (which must contain the stamps it depends on), or <paramref name="create"/>'s.</summary>
    public async ValueTask<T> GetOrCreateAsync<T>(string key, TimeSpan lifetime, CacheLevels levels, Func<CancellationToken, ValueTask<T>> create,
        CancellationToken cancellationToken)
    {
        var options = new HybridCacheEntryOptions
        {
            Expiration = lifetime,
            LocalCacheExpiration = host.HasSecondLevel && levels == CacheLevels.MemoryAndRedis && lifetime > LongestInMemoryBesideRedis
                ? LongestInMemoryBesideRedis
                : lifetime,
            Flags = levels == CacheLevels.MemoryOnly ? HybridCacheEntryFlags.DisableDistributedCache : HybridCacheEntryFlags.None,
        };
        var lookup = new Lookup<T>(create);
        var value = await host.Cache.GetOrCreateAsync(key, lookup, static (lookup, ct) => lookup.CreateAsync(ct), options, cancellationToken: cancellationToken);
        metrics.CacheLookup(status.Kind, lookup.Created ? "miss" : "hit");
        return value;
    }

    /// <summary>As <see cref="GetOrCreateAsync{T}"/> for written bytes, which every memory hit shares instead of copying.</summary>
    public async ValueTask<byte[]> GetOrCreateBytesAsync(string key, TimeSpan lifetime, Func<CancellationToken, Task<byte[]>> create,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(create);
        var cached = await GetOrCreateAsync(key, lifetime, CacheLevels.MemoryAndRedis, async ct => new CachedBytes(await create(ct)), cancellationToken);
        return cached.Bytes;
    }

    private sealed class Lookup<T>(Func<CancellationToken, ValueTask<T>> create)
    {
        public bool Created { get; private set; }

        public ValueTask<T> CreateAsync(CancellationToken cancellationToken)
        {
            Created = true;
            return create(cancellationToken);
        }
    }
}

/// <summary>Where a cached value is kept.</summary>
public enum CacheLevels
{
    /// <summary>In memory and, with <c>REDIS_URL</c>, in Redis.</summary>
    MemoryAndRedis,

    /// <summary>Only in this replica's memory: values that are cheap to rebuild but not to serialize.</summary>
    MemoryOnly,
}

/// <summary>A device's stamps as read once for the several cached reads of one request.</summary>
public sealed class RequestStamps
{
    public bool Known { get; private set; }

    public DeviceStamps? Value { get; private set; }

    internal void Remember(DeviceStamps? value)
    {
        Value = value;
        Known = true;
    }
}
