using System.Text.Json;
using Microsoft.Extensions.Options;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.Server.Caching;
using P1Telemetry.Server.Storage;

namespace P1Telemetry.Server.Realtime;

/// <summary>
/// The latest sample per device, cache-first under <c>realtime:{device_id}:{live stamp}</c>. Every ingest
/// renews the live stamp after its commit, so the next read on any replica loads the newest sample; a device
/// that nobody watches costs no read after its ingest. A failing cache never fails a request: reads go to the
/// database instead.
/// </summary>
public sealed class LatestSampleCache(ISampleStore store, CachedReads reads, IOptions<CacheOptions> options)
{
    public static string KeyFor(string deviceId, DeviceStamps stamps) => $"realtime:{deviceId}:{stamps.Live}";

    /// <remarks>The cached reads of one request that share a <see cref="RequestStamps"/> read the device's stamps once.</remarks>
    public async Task<Sample?> GetAsync(string deviceId, CancellationToken cancellationToken, RequestStamps? stamps = null)
    {
        if (await reads.StampsAsync(deviceId, stamps, cancellationToken) is not { } current)
        {
            return await store.GetLatestAsync(deviceId, cancellationToken);
        }

        // No sample yet is cached too (as an empty value): a device that has never uploaded is asked for often.
        var bytes = await reads.GetOrCreateBytesAsync(KeyFor(deviceId, current), options.Value.TimeToLive, async ct =>
            await store.GetLatestAsync(deviceId, ct) is { } latest
                ? JsonSerializer.SerializeToUtf8Bytes(latest, WireJsonContext.Default.Sample)
                : [], cancellationToken);
        return bytes.Length == 0 ? null : JsonSerializer.Deserialize(bytes, WireJsonContext.Default.Sample);
    }
}
