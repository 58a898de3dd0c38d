namespace P1Telemetry.Server.Caching;

/// <summary>
/// A small byte-valued cache with per-entry expiry. Implementations: in-process and Redis. Any method may
/// throw when the cache is unreachable; callers fall back to the database.
/// </summary>
public interface ICache
{
    /// <summary>"memory" or "redis", as reported by health.</summary>
    string Kind { get; }

    Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken);

    Task SetAsync(string key, byte[] value, TimeSpan timeToLive, CancellationToken cancellationToken);

    Task RemoveAsync(string key, CancellationToken cancellationToken);

    /// <summary>Throws when the cache cannot answer.</summary>
    Task CheckHealthAsync(CancellationToken cancellationToken);
}
