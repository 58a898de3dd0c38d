using P1Telemetry.Contracts.Domain;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.Server.Capacity;
using P1Telemetry.Server.Storage;

namespace P1Telemetry.Server.Realtime;

/// <summary>Computes the live quarter of a device from its latest sample and the current month's rollup.</summary>
public sealed class LiveQuarterService(ISampleStore store, MonthDigests digests, ReadPathSettings settings, TimeProvider timeProvider)
{
    /// <summary>A device silent for longer than this has no live quarter.</summary>
    public static readonly TimeSpan MaxSilence = QuarterHour.Length;

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
        var analysis = await digests.AnalyzeAsync(latest.DeviceId, settings.Calendar.MonthOf(now), cancellationToken);
        var around = analysis.Slots.Where(slot => slot.Start >= start - QuarterHour.Length && slot.Start <= start).ToList();
        if (start - QuarterHour.Length < analysis.Range.Start)
        {
            // The first quarter of a month: the previous slot belongs to the previous month's rows.
            var rows = await store.GetQuarterHoursAsync(latest.DeviceId, start - QuarterHour.Length, start + QuarterHour.Length, cancellationToken);
            around = rows.ToSlots();
        }

        var live = LiveQuarter.Compute(
            now,
            around,
            new LatestReading(latest.Ts, latest.EnergyImportKwh, latest.ImportPowerW),
            analysis.Quarters.Peak?.AveragePowerW);
        return LiveQuarterResponse.From(live);
    }
}
