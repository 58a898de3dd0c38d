using System.Text.Json;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.Server.Caching;
using P1Telemetry.Server.Storage;

namespace P1Telemetry.Server.Realtime;

/// <summary>
/// The latest sample per device, cache-first under <c>realtime:{device_id}</c> for <c>CACHE_TTL_S</c>. Every
/// ingest drops it (its live tag) after the commit, so the next read loads the newest sample: dropping costs
/// nothing per entry, where reading the newest row back would cost a query for every ingest of every home,
/// watched or not.
/// </summary>
public sealed class LatestSampleCache(ISampleStore store, CachedReads cache, IOptions<CacheOptions> options)
{
    private readonly HybridCacheEntryOptions _entry = new() { Expiration = options.Value.TimeToLive };

    public static string KeyFor(string deviceId) => $"realtime:{deviceId}";

    public async Task<Sample?> GetAsync(string deviceId, CancellationToken cancellationToken)
    {
        var key = KeyFor(deviceId);
        var cached = await cache.GetOrCreateBytesAsync(key, [DeviceTags.All(deviceId), DeviceTags.Live(deviceId)], _entry,
            async ct => await store.GetLatestAsync(deviceId, ct) is { } latest
                ? JsonSerializer.SerializeToUtf8Bytes(latest, WireJsonContext.Default.Sample)
                : [],
            cancellationToken);
        if (cached.Length == 0)
        {
            // Only samples are kept: "no data yet" is asked of the database each time, so that data stored by
            // other means than an ingest (an import) shows at once.
            await cache.RemoveAsync(key, cancellationToken);
            return null;
        }

        return JsonSerializer.Deserialize(cached, WireJsonContext.Default.Sample);
    }
}
