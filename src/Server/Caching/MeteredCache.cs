using P1Telemetry.Server.Diagnostics;

namespace P1Telemetry.Server.Caching;

/// <summary>Counts every read of the cache it wraps as a hit, a miss or an error (<c>p1.cache.lookups</c>).</summary>
public sealed class MeteredCache(ICache inner, ServerMetrics metrics) : ICache
{
    public string Kind => inner.Kind;

    public async Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        byte[]? value;
        try
        {
            value = await inner.GetAsync(key, cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            metrics.CacheLookup(inner.Kind, "error");
            throw;
        }

        metrics.CacheLookup(inner.Kind, value is null ? "miss" : "hit");
        return value;
    }

    public Task SetAsync(string key, byte[] value, TimeSpan timeToLive, CancellationToken cancellationToken) =>
        inner.SetAsync(key, value, timeToLive, cancellationToken);

    public Task RemoveAsync(string key, CancellationToken cancellationToken) => inner.RemoveAsync(key, cancellationToken);

    public Task CheckHealthAsync(CancellationToken cancellationToken) => inner.CheckHealthAsync(cancellationToken);
}
