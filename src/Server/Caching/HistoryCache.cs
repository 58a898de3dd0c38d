using P1Telemetry.Server.ReadPath;

namespace P1Telemetry.Server.Caching;

/// <summary>
/// Caches what is computed for settled periods — those that ended before the start of the current local
/// day — under the device's history stamp, which is part of every key. An ingest that adds a sample which can
/// influence a settled period renews the stamp, so every entry of that device is fresh again at once; live
/// data of today never does, so past months and years stay cached while a meter keeps uploading.
/// </summary>
public sealed class HistoryCache(CachedReads reads, TimeProvider timeProvider, ReadPathSettings settings)
{
    private static readonly TimeSpan EntryLifetime = TimeSpan.FromDays(1);

    /// <summary>Periods that end at or before this instant are settled.</summary>
    public DateTimeOffset SettledBefore()
    {
        var calendar = settings.Calendar;
        return calendar.StartOf(calendar.DateOf(timeProvider.GetUtcNow()));
    }

    /// <summary>As <see cref="SettledBefore()"/>, in the device's own time zone.</summary>
    public DateTimeOffset SettledBefore(string deviceId)
    {
        var calendar = settings.For(deviceId).Calendar;
        return calendar.StartOf(calendar.DateOf(timeProvider.GetUtcNow()));
    }

    public bool IsSettled(DateTimeOffset periodEnd) => periodEnd <= SettledBefore();

    /// <summary>
    /// The cached bytes for <paramref name="key"/> when the period ending at <paramref name="periodEnd"/> is
    /// settled and was computed before; otherwise computes them (and caches them when settled).
    /// </summary>
    /// <remarks>The cached reads of one request that share a <see cref="RequestStamps"/> read the device's stamps once.</remarks>
    public async Task<byte[]> GetOrCreateAsync(
        string deviceId,
        string key,
        DateTimeOffset periodEnd,
        Func<CancellationToken, Task<byte[]>> create,
        CancellationToken cancellationToken,
        RequestStamps? stamps = null)
    {
        ArgumentNullException.ThrowIfNull(create);
        if (periodEnd > SettledBefore(deviceId) || await reads.StampsAsync(deviceId, stamps, cancellationToken) is not { } current)
        {
            return await create(cancellationToken);
        }

        return await reads.GetOrCreateBytesAsync(KeyFor(deviceId, current.History, key), EntryLifetime, create, cancellationToken);
    }

    /// <summary>
    /// A value that depends on every reading of the device up to now (a series over everything): cached under
    /// the history stamp and the live stamp, so that any ingest makes it fresh, and read from the cache otherwise.
    /// </summary>
    public async Task<byte[]> GetOrCreateUpToNowAsync(
        string deviceId, string key, Func<CancellationToken, Task<byte[]>> create, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(create);
        if (await reads.StampsAsync(deviceId, null, cancellationToken) is not { } current)
        {
            return await create(cancellationToken);
        }

        return await reads.GetOrCreateBytesAsync(KeyFor(deviceId, current.History, $"{key}:{current.Live}"), EntryLifetime, create, cancellationToken);
    }

    // Entries computed under another time zone or tariff of the device never match.
    private string KeyFor(string deviceId, string stamp, string key) => $"read:{deviceId}:{stamp}:{settings.For(deviceId).CacheKey}:{key}";
}
