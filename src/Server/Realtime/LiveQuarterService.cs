using System.ComponentModel;
using System.Globalization;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;
using P1Telemetry.Contracts.Domain;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.Server.Caching;
using P1Telemetry.Server.Capacity;
using P1Telemetry.Server.Storage;

namespace P1Telemetry.Server.Realtime;

/// <summary>Computes the live quarter of a device from its latest sample and the current month's rollup.</summary>
/// <remarks>
/// The month's analysis (its peak so far and the slots around the quarter in progress) costs milliseconds, while
/// realtime is read far more often than a device uploads. So the analysis is cached per device and quarter until
/// any replica ingests for the device again (its live tag) or <c>CACHE_TTL_S</c> passes, and each answer only
/// recomputes the live figures from the latest sample. It stays in this replica's memory: it is rebuilt from
/// cached digests and today's rows in milliseconds, and holds objects rather than bytes.
/// </remarks>
public sealed class LiveQuarterService(
    ISampleStore store,
    MonthDigests digests,
    ReadPathSettings settings,
    CachedReads cache,
    IOptions<CacheOptions> cacheOptions,
    TimeProvider timeProvider)
{
    /// <summary>A device silent for longer than this has no live quarter.</summary>
    public static readonly TimeSpan MaxSilence = QuarterHour.Length;

    private readonly HybridCacheEntryOptions _entry = new()
    {
        Expiration = cacheOptions.Value.TimeToLive,
        Flags = HybridCacheEntryFlags.DisableDistributedCache,
    };

    public async Task<LiveQuarterResponse?> GetAsync(Sample latest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(latest);
        var now = timeProvider.GetUtcNow();
        if (latest.Ts > now)
        {
            now = latest.Ts;
        }

        if (now - latest.Ts > MaxSilence)
        {
            return null;
        }

        var start = QuarterHour.StartOf(now);
        var context = await ContextAsync(latest.DeviceId, start, now, cancellationToken);
        var live = LiveQuarter.Compute(
            now,
            context.Around,
            new LatestReading(latest.Ts, latest.EnergyImportKwh, latest.ImportPowerW),
            context.MonthPeakW);
        return LiveQuarterResponse.From(live, settings.For(latest.DeviceId).GoalPeakW);
    }

    private ValueTask<QuarterContext> ContextAsync(string deviceId, DateTimeOffset start, DateTimeOffset now, CancellationToken cancellationToken) =>
        cache.GetOrCreateAsync(
            string.Create(CultureInfo.InvariantCulture, $"live-quarter:{deviceId}:{settings.For(deviceId).CacheKey}:{start.UtcTicks}"),
            [DeviceTags.All(deviceId), DeviceTags.Live(deviceId)],
            _entry,
            ct => ComputeContextAsync(deviceId, start, now, ct),
            cancellationToken);

    private async ValueTask<QuarterContext> ComputeContextAsync(string deviceId, DateTimeOffset start, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var analysis = await digests.AnalyzeAsync(deviceId, settings.For(deviceId).Calendar.MonthOf(now), cancellationToken);
        IReadOnlyList<QuarterSlot> around = analysis.RecentSlots.Where(slot => slot.Start >= start - QuarterHour.Length && slot.Start <= start).ToList();
        if (start - QuarterHour.Length < analysis.RecentFrom)
        {
            // Not among the rows the analysis read: only today's are.
            var rows = await store.GetQuarterHoursAsync(deviceId, start - QuarterHour.Length, start + QuarterHour.Length, cancellationToken);
            around = rows.ToSlots();
        }

        return new QuarterContext(around, analysis.Quarters.Peak?.AveragePowerW);
    }

    // Immutable, so that the cache hands out the one instance instead of a copy per read.
    [ImmutableObject(true)]
    private sealed record QuarterContext(IReadOnlyList<QuarterSlot> Around, double? MonthPeakW);
}
