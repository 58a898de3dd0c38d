using P1Telemetry.Contracts.Domain;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.Server.Caching;
using P1Telemetry.Server.Capacity;
using P1Telemetry.Server.Diagnostics;

namespace P1Telemetry.Server.ReadCache;

/// <summary>
/// Caches what is computed for settled periods — those that ended before the start of the current local
/// day — under a per-device history stamp that is part of every key. An ingest that adds a sample which can
/// influence a settled period replaces the stamp, so every entry of that device is fresh again at once;
/// live data of today never does, so past months and years stay cached while a meter keeps uploading.
/// </summary>
public sealed class HistoryCache(ICache cache, TimeProvider timeProvider, ReadPathSettings settings, ILogger<HistoryCache> logger)
{
    private static readonly TimeSpan StampLifetime = TimeSpan.FromDays(35);
    private static readonly TimeSpan EntryLifetime = TimeSpan.FromDays(1);

    public static string StampKeyFor(string deviceId) => $"history:{deviceId}";

    /// <summary>Renewed by every ingest: values that include today's readings are cached under it as well.</summary>
    public static string LiveStampKeyFor(string deviceId) => $"live:{deviceId}";

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
    /// Called after an ingest committed new samples. A value of a period depends on readings up to one quarter
    /// after its end (the boundary register is interpolated with the next slot's first reading), hence the margin.
    /// </summary>
    public async Task OnIngestedAsync(string deviceId, IReadOnlyList<Sample> samples, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0)
        {
            return;
        }

        var settled = samples.Min(sample => sample.Ts) < SettledBefore(deviceId) + QuarterHour.Length;
        try
        {
            await cache.SetAsync(LiveStampKeyFor(deviceId), NewStamp(), StampLifetime, cancellationToken);
            if (settled)
            {
                await cache.SetAsync(StampKeyFor(deviceId), NewStamp(), StampLifetime, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The old stamp may now serve stale entries for at most their lifetime; nothing is lost.
            ReadLog.HistoryStampFailed(logger, ex, cache.Kind, deviceId);
        }
    }

    /// <summary>Makes every cached entry of the device stale, e.g. after data other than samples changed.</summary>
    public async Task InvalidateAsync(string deviceId, CancellationToken cancellationToken)
    {
        try
        {
            await cache.SetAsync(StampKeyFor(deviceId), NewStamp(), StampLifetime, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            ReadLog.HistoryStampFailed(logger, ex, cache.Kind, deviceId);
        }
    }

    /// <summary>
    /// The cached bytes for <paramref name="key"/> when the period ending at <paramref name="periodEnd"/> is
    /// settled and was computed before; otherwise computes them (and caches them when settled).
    /// </summary>
    public async Task<byte[]> GetOrCreateAsync(
        string deviceId,
        string key,
        DateTimeOffset periodEnd,
        Func<CancellationToken, Task<byte[]>> create,
        CancellationToken cancellationToken) =>
        await GetOrCreateAsync(deviceId, key, periodEnd, create, new StampHolder(), cancellationToken);

    /// <summary>
    /// As <see cref="GetOrCreateAsync(string, string, DateTimeOffset, Func{CancellationToken, Task{byte[]}}, CancellationToken)"/>,
    /// reading the device's stamp once for all the calls that share <paramref name="stamp"/> (one request).
    /// </summary>
    public async Task<byte[]> GetOrCreateAsync(
        string deviceId,
        string key,
        DateTimeOffset periodEnd,
        Func<CancellationToken, Task<byte[]>> create,
        StampHolder stamp,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(create);
        ArgumentNullException.ThrowIfNull(stamp);
        if (periodEnd > SettledBefore(deviceId))
        {
            return await create(cancellationToken);
        }

        string fullKey;
        try
        {
            stamp.Value ??= await CurrentStampAsync(deviceId, cancellationToken);
            // Entries computed under another time zone or tariff of the device never match.
            fullKey = $"read:{deviceId}:{stamp.Value}:{settings.For(deviceId).CacheKey}:{key}";
            var cached = await cache.GetAsync(fullKey, cancellationToken);
            if (cached is not null)
            {
                return cached;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            ReadLog.ReadCacheFailed(logger, ex, cache.Kind, "get");
            return await create(cancellationToken);
        }

        var value = await create(cancellationToken);
        try
        {
            await cache.SetAsync(fullKey, value, EntryLifetime, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            ReadLog.ReadCacheFailed(logger, ex, cache.Kind, "set");
        }

        return value;
    }

    /// <summary>
    /// A value that depends on every reading of the device up to now (a series over everything): cached under
    /// the history stamp and the live stamp, so that any ingest makes it fresh, and read from the cache otherwise.
    /// </summary>
    public async Task<byte[]> GetOrCreateUpToNowAsync(
        string deviceId, string key, Func<CancellationToken, Task<byte[]>> create, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(create);
        string live;
        try
        {
            live = await ReadStampAsync(LiveStampKeyFor(deviceId), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            ReadLog.ReadCacheFailed(logger, ex, cache.Kind, "get");
            return await create(cancellationToken);
        }

        return await GetOrCreateAsync(deviceId, $"{key}:{live}", SettledBefore(deviceId), create, cancellationToken);
    }

    private Task<string> CurrentStampAsync(string deviceId, CancellationToken cancellationToken) =>
        ReadStampAsync(StampKeyFor(deviceId), cancellationToken);

    private async Task<string> ReadStampAsync(string stampKey, CancellationToken cancellationToken)
    {
        var stamp = await cache.GetAsync(stampKey, cancellationToken);
        if (stamp is null)
        {
            // Without a stamp (first use, or expired) a new one orphans whatever an older stamp cached.
            stamp = NewStamp();
            await cache.SetAsync(stampKey, stamp, StampLifetime, cancellationToken);
        }

        return System.Text.Encoding.ASCII.GetString(stamp);
    }

    private static byte[] NewStamp() => System.Text.Encoding.ASCII.GetBytes(Guid.NewGuid().ToString("N"));

    /// <summary>The device's stamp as read once during one request.</summary>
    public sealed class StampHolder
    {
        public string? Value { get; set; }
    }
}
