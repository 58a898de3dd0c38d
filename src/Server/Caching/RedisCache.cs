using StackExchange.Redis;

namespace P1Telemetry.Server.Caching;

/// <summary>
/// Redis behind <see cref="ICache"/>. The multiplexer reconnects by itself; while Redis is unreachable every
/// call fails fast (bounded by <see cref="OperationTimeout"/>) so that callers can use the database instead.
/// </summary>
public sealed class RedisCache(IConnectionMultiplexer connection) : ICache
{
    private static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(1);

    public string Kind => "redis";

    public async Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var value = await connection.GetDatabase().StringGetAsync(key).WaitAsync(OperationTimeout, cancellationToken);
        return value.IsNull ? null : (byte[]?)value;
    }

    public Task SetAsync(string key, byte[] value, TimeSpan timeToLive, CancellationToken cancellationToken) =>
        connection.GetDatabase().StringSetAsync(key, value, timeToLive).WaitAsync(OperationTimeout, cancellationToken);

    public Task RemoveAsync(string key, CancellationToken cancellationToken) =>
        connection.GetDatabase().KeyDeleteAsync(key).WaitAsync(OperationTimeout, cancellationToken);

    public Task CheckHealthAsync(CancellationToken cancellationToken) =>
        connection.GetDatabase().PingAsync().WaitAsync(OperationTimeout, cancellationToken);
}
