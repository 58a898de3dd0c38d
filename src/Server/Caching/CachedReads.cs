using Microsoft.Extensions.Caching.Hybrid;
using P1Telemetry.Server.Diagnostics;

namespace P1Telemetry.Server.Caching;

/// <summary>
/// Every cached read goes through here: a <see cref="HybridCache"/> lookup whose entry carries the device's
/// tags (<see cref="DeviceTags"/>), counted as a hit or a miss (<c>p1.cache.lookups</c>). A cache that fails
/// never fails a read: HybridCache then computes the value from the database.
/// </summary>
public sealed class CachedReads(HybridCache cache, CacheStatus status, ServerMetrics metrics)
{
    public async ValueTask<T> GetOrCreateAsync<T>(
        string key,
        IEnumerable<string> tags,
        HybridCacheEntryOptions options,
        Func<CancellationToken, ValueTask<T>> create,
        CancellationToken cancellationToken)
    {
        var lookup = new Lookup<T>(create);
        var value = await cache.GetOrCreateAsync(key, lookup, static (lookup, ct) => lookup.CreateAsync(ct), options, tags, cancellationToken);
        metrics.CacheLookup(status.Kind, lookup.Created ? "miss" : "hit");
        return value;
    }

    /// <summary>As <see cref="GetOrCreateAsync{T}"/> for written bytes, which every hit shares instead of copying.</summary>
    public async ValueTask<byte[]> GetOrCreateBytesAsync(
        string key,
        IEnumerable<string> tags,
        HybridCacheEntryOptions options,
        Func<CancellationToken, Task<byte[]>> create,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(create);
        var cached = await GetOrCreateAsync(key, tags, options, async ct => new CachedBytes(await create(ct)), cancellationToken);
        return cached.Bytes;
    }

    /// <summary>Drops one entry here and in Redis, e.g. one that recorded that nothing was there yet.</summary>
    public ValueTask RemoveAsync(string key, CancellationToken cancellationToken) => cache.RemoveAsync(key, cancellationToken);

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
