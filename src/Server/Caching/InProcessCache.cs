using System.Collections.Concurrent;

namespace P1Telemetry.Server.Caching;

/// <summary>The default cache: a concurrent dictionary whose entries expire on the injected clock.</summary>
public sealed class InProcessCache(TimeProvider timeProvider) : ICache
{
    private const int SweepEvery = 1024;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private int _writes;

    public string Kind => "memory";

    public Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            if (entry.ExpiresAt > timeProvider.GetUtcNow())
            {
                return Task.FromResult<byte[]?>(entry.Value);
            }

            _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
        }

        return Task.FromResult<byte[]?>(null);
    }

    public Task SetAsync(string key, byte[] value, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        _entries[key] = new Entry(value, timeProvider.GetUtcNow() + timeToLive);
        if (Interlocked.Increment(ref _writes) % SweepEvery == 0)
        {
            SweepExpired();
        }

        return Task.CompletedTask;
    }

    public Task RemoveAsync(string key, CancellationToken cancellationToken)
    {
        _entries.TryRemove(key, out _);
        return Task.CompletedTask;
    }

    public Task CheckHealthAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // Keeps memory bounded by the live keys even when many keys are written once and never read again.
    private void SweepExpired()
    {
        var now = timeProvider.GetUtcNow();
        foreach (var pair in _entries)
        {
            if (pair.Value.ExpiresAt <= now)
            {
                _entries.TryRemove(pair);
            }
        }
    }

    private sealed record Entry(byte[] Value, DateTimeOffset ExpiresAt);
}
