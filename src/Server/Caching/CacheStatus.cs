using StackExchange.Redis;

namespace P1Telemetry.Server.Caching;

/// <summary>Which cache the read path uses, and whether it answers (for health and the start message).</summary>
public sealed class CacheStatus(IConnectionMultiplexer? redis)
{
    public const string MemoryKind = "memory";
    public const string RedisKind = "redis";

    private static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(1);

    /// <summary>"memory" or "redis", as reported by health and counted by <c>p1.cache.lookups</c>.</summary>
    public string Kind => redis is null ? MemoryKind : RedisKind;

    /// <summary>Throws when the cache cannot answer.</summary>
    public Task CheckHealthAsync(CancellationToken cancellationToken) =>
        redis?.GetDatabase().PingAsync().WaitAsync(OperationTimeout, cancellationToken) ?? Task.CompletedTask;
}
