using System.ComponentModel;
using Microsoft.Extensions.Options;
using P1Telemetry.Contracts.Domain;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.Server.Caching;
using P1Telemetry.Server.Capacity;
using P1Telemetry.Server.ReadPath;
using P1Telemetry.Server.Storage;

namespace P1Telemetry.Server.Realtime;

/// <summary>Computes the live quarter of a device from its latest sample and the current month's rollup.</summary>
/// <remarks>
/// The month's analysis (its peak so far and the slots around the quarter in progress) costs milliseconds, while
/// realtime is read far more often than a device uploads. So the analysis is kept in this replica's memory per
/// device, quarter and live stamp (any ingest, on any replica, renews the stamp) for at most <c>CACHE_TTL_S</c>,
/// and each answer only recomputes the live figures from the latest sample.
/// </remarks>
public sealed class LiveQuarterService(
    ISampleStore store,
    MonthDigests digests,
    ReadPathSettings settings,
    CachedReads reads,
    IOptions<CacheOptions> cacheOptions,
    TimeProvider timeProvider)
{
    /// <summary>A device silent for longer than this has no live quarter.</summary>
    public static readonly TimeSpan MaxSilence = QuarterHour.Length;

    /// <remarks>The cached reads of one request that share a <see cref="RequestStamps"/> read the device's stamps once.</remarks>
    public async Task<LiveQuarterResponse?> GetAsync(Sample latest, CancellationToken cancellationToken, RequestStamps? stamps = null)
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
        var context = await reads.StampsAsync(latest.DeviceId, stamps, cancellationToken) is { } current
            ? await reads.GetOrCreateAsync(
                $"live-quarter:{latest.DeviceId}:{current.Live}:{settings.For(latest.DeviceId).CacheKey}:{start.UtcTicks}",
                cacheOptions.Value.TimeToLive, CacheLevels.MemoryOnly, ct => ContextAsync(latest.DeviceId, start, now, ct), cancellationToken)
            : await ContextAsync(latest.DeviceId, start, now, cancellationToken);
        var live = LiveQuarter.Compute(
            now,
            context.Around,
            new LatestReading(latest.Ts, latest.EnergyImportKwh, latest.ImportPowerW),
            context.MonthPeakW);
        return LiveQuarterResponse.From(live, settings.For(latest.DeviceId).GoalPeakW);
    }

    private async ValueTask<QuarterContext> ContextAsync(string deviceId, DateTimeOffset start, DateTimeOffset now, CancellationToken cancellationToken)
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

    /// <summary>Never changed once built: the memory cache hands out the one instance.</summary>
    [ImmutableObject(true)]
    private sealed record QuarterContext(IReadOnlyList<QuarterSlot> Around, double? MonthPeakW);
}
