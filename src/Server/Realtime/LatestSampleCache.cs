using System.Text.Json;
using Microsoft.Extensions.Options;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.Server.Caching;
using P1Telemetry.Server.Diagnostics;
using P1Telemetry.Server.Storage;

namespace P1Telemetry.Server.Realtime;

/// <summary>
/// The latest sample per device, cache-first under <c>realtime:{device_id}</c>. An ingest drops the entry
/// after its commit, so the next read sees the newest sample. A failing cache never fails
/// a request: reads go to the database instead.
/// </summary>
public sealed class LatestSampleCache(ISampleStore store, ICache cache, IOptions<CacheOptions> options, ILogger<LatestSampleCache> logger)
{
    public static string KeyFor(string deviceId) => $"realtime:{deviceId}";

    public async Task<Sample?> GetAsync(string deviceId, CancellationToken cancellationToken)
    {
        var key = KeyFor(deviceId);
        try
        {
            var cached = await cache.GetAsync(key, cancellationToken);
            if (cached is not null)
            {
                return JsonSerializer.Deserialize(cached, WireJsonContext.Default.Sample);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.CacheFailed(logger, ex, cache.Kind, "get");
            return await store.GetLatestAsync(deviceId, cancellationToken);
        }

        var latest = await store.GetLatestAsync(deviceId, cancellationToken);
        if (latest is not null)
        {
            await TrySetAsync(key, latest, cancellationToken);
        }

        return latest;
    }

    /// <summary>
    /// Called after an ingest committed samples of the device: the entry is dropped and the next read loads
    /// it from the database. Dropping costs one cache call, where reading the newest row back would cost a query
    /// for every ingest of every home, watched or not.
    /// </summary>
    public async Task InvalidateAsync(string deviceId, CancellationToken cancellationToken)
    {
        try
        {
            await cache.RemoveAsync(KeyFor(deviceId), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.CacheFailed(logger, ex, cache.Kind, "remove");
        }
    }

    private async Task TrySetAsync(string key, Sample sample, CancellationToken cancellationToken)
    {
        try
        {
            await cache.SetAsync(key, JsonSerializer.SerializeToUtf8Bytes(sample, WireJsonContext.Default.Sample),
                options.Value.TimeToLive, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.CacheFailed(logger, ex, cache.Kind, "set");
        }
    }
}
