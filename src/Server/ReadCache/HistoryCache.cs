using Microsoft.Extensions.Caching.Hybrid;
using P1Telemetry.Contracts.Domain;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.Server.Caching;
using P1Telemetry.Server.Capacity;

namespace P1Telemetry.Server.ReadCache;

/// <summary>
/// Caches what is computed for settled periods — those that ended before the start of the current local
/// day. An ingest that adds a sample which can influence a settled period drops the device's settled
/// responses and the building blocks of the months it touched (<see cref="TagsTouchedBy"/>); live data of
/// today never does, so past months and years stay cached while a meter keeps uploading.
/// </summary>
public sealed class HistoryCache(CachedReads cache, TimeProvider timeProvider, ReadPathSettings settings)
{
    private static readonly HybridCacheEntryOptions Settled = new() { Expiration = TimeSpan.FromDays(1) };

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
    /// The tags of the cached values that <paramref name="samples"/> of the device can change: always the live
    /// ones; when a sample can influence a settled period, also the settled responses and the months around it.
    /// A value of a period depends on readings up to one quarter on either side of it (the boundary registers
    /// are interpolated with the neighbouring slots' readings), hence the margins.
    /// </summary>
    public IReadOnlyList<string> TagsTouchedBy(string deviceId, IReadOnlyList<Sample> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        List<string> tags = [DeviceTags.Live(deviceId)];
        var settledUpTo = SettledBefore(deviceId) + QuarterHour.Length;
        DateTimeOffset? first = null;
        DateTimeOffset? last = null;
        foreach (var sample in samples)
        {
            if (sample.Ts < settledUpTo)
            {
                first = first is { } f && f <= sample.Ts ? f : sample.Ts;
                last = last is { } l && l >= sample.Ts ? l : sample.Ts;
            }
        }

        if (first is null || last is null)
        {
            return tags;
        }

        tags.Add(DeviceTags.History(deviceId));
        var calendar = settings.For(deviceId).Calendar;
        var end = calendar.MonthOf(last.Value + QuarterHour.Length);
        for (var month = calendar.MonthOf(first.Value - QuarterHour.Length); month <= end; month = month.AddMonths(1))
        {
            tags.Add(DeviceTags.Month(deviceId, month));
        }

        return tags;
    }

    /// <summary>
    /// The cached bytes for <paramref name="key"/> when the period ending at <paramref name="periodEnd"/> is
    /// settled and was computed before; otherwise computes them (and caches them when settled). For values
    /// built from several months: any settled change of the device drops them.
    /// </summary>
    public Task<byte[]> GetOrCreateAsync(
        string deviceId,
        string key,
        DateTimeOffset periodEnd,
        Func<CancellationToken, Task<byte[]>> create,
        CancellationToken cancellationToken) =>
        GetOrCreateAsync(deviceId, key, periodEnd, DeviceTags.History(deviceId), create, cancellationToken);

    /// <summary>
    /// As <see cref="GetOrCreateAsync(string, string, DateTimeOffset, Func{CancellationToken, Task{byte[]}}, CancellationToken)"/>,
    /// for a value computed from <paramref name="month"/> alone: only a change of that month drops it.
    /// </summary>
    public Task<byte[]> GetOrCreateAsync(
        string deviceId,
        LocalMonth month,
        string key,
        DateTimeOffset periodEnd,
        Func<CancellationToken, Task<byte[]>> create,
        CancellationToken cancellationToken) =>
        GetOrCreateAsync(deviceId, key, periodEnd, DeviceTags.Month(deviceId, month), create, cancellationToken);

    /// <summary>
    /// A value that depends on every reading of the device up to now (a series over everything): any ingest
    /// drops it, and it is read from the cache otherwise.
    /// </summary>
    public Task<byte[]> GetOrCreateUpToNowAsync(
        string deviceId, string key, Func<CancellationToken, Task<byte[]>> create, CancellationToken cancellationToken) =>
        GetOrCreateAsync(deviceId, key, SettledBefore(deviceId), DeviceTags.Live(deviceId), create, cancellationToken);

    private async Task<byte[]> GetOrCreateAsync(
        string deviceId,
        string key,
        DateTimeOffset periodEnd,
        string tag,
        Func<CancellationToken, Task<byte[]>> create,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(create);
        if (periodEnd > SettledBefore(deviceId))
        {
            return await create(cancellationToken);
        }

        // Entries computed under another time zone or tariff of the device never match.
        return await cache.GetOrCreateBytesAsync(
            $"read:{deviceId}:{settings.For(deviceId).CacheKey}:{key}",
            [DeviceTags.All(deviceId), tag],
            Settled,
            create,
            cancellationToken);
    }
}
