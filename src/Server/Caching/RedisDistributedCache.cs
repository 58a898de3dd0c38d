using Microsoft.Extensions.Caching.Distributed;
using P1Telemetry.Server.Diagnostics;
using StackExchange.Redis;

namespace P1Telemetry.Server.Caching;

/// <summary>
/// The read cache's second level on the server's one Redis connection. Each entry is a plain Redis string
/// under its own key with a Redis-side expiry, so it can be inspected with redis-cli. While Redis is
/// unreachable every call fails fast (bounded by <see cref="OperationTimeout"/>); the read cache then treats
/// the lookup as a miss and computes from the database.
/// </summary>
internal sealed class RedisDistributedCache(IConnectionMultiplexer connection, ServerMetrics metrics) : IDistributedCache
{
    private static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(1);

    public byte[]? Get(string key) => GetAsync(key).GetAwaiter().GetResult();

    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        try
        {
            var value = await connection.GetDatabase().StringGetAsync(key).WaitAsync(OperationTimeout, token);
            return value.IsNull ? null : (byte[]?)value;
        }
        catch (Exception) when (!token.IsCancellationRequested)
        {
            metrics.CacheLookup(CacheStatus.RedisKind, "error");
            throw;
        }
    }

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => SetAsync(key, value, options).GetAwaiter().GetResult();

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return connection.GetDatabase().StringSetAsync(key, value, TimeToLive(options)).WaitAsync(OperationTimeout, token);
    }

    // Entries are written with an absolute lifetime only: there is nothing to slide.
    public void Refresh(string key)
    {
    }

    public Task RefreshAsync(string key, CancellationToken token = default) => Task.CompletedTask;

    public void Remove(string key) => RemoveAsync(key).GetAwaiter().GetResult();

    public Task RemoveAsync(string key, CancellationToken token = default) =>
        connection.GetDatabase().KeyDeleteAsync(key).WaitAsync(OperationTimeout, token);

    // The read cache gives every entry a lifetime relative to now; an absolute instant would be on another clock.
    private static TimeSpan TimeToLive(DistributedCacheEntryOptions options) =>
        options.AbsoluteExpirationRelativeToNow ?? throw new NotSupportedException("Entries need a lifetime relative to now.");
}
