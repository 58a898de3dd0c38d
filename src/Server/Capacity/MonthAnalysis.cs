using P1Telemetry.Contracts.Domain;

namespace P1Telemetry.Server.Capacity;

/// <summary>A month's quarter values as far as they are complete: its settled days followed by today.</summary>
/// <param name="Month">The local month.</param>
/// <param name="Range">The whole month in UTC.</param>
/// <param name="Quarters">The quarters evaluated: up to the quarter in progress for the current month.</param>
/// <param name="RecentSlots">The rollup rows that start at or after <paramref name="RecentFrom"/>, up to the
/// slot after the month: the slot before today (or before the month, if it starts later) and today's.</param>
/// <param name="RecentFrom">Where <paramref name="RecentSlots"/> begin; the month's end for a settled month,
/// which has none.</param>
public sealed record MonthAnalysis(
    LocalMonth Month,
    TimeRange Range,
    MonthPart Quarters,
    IReadOnlyList<QuarterSlot> RecentSlots,
    DateTimeOffset RecentFrom)
{
    /// <summary>The part of the month evaluated.</summary>
    public TimeRange Evaluated => Quarters.Evaluated;

    public MonthDigest ToDigest() => new()
    {
        Month = Month.ToString(),
        PeakW = Quarters.Peak?.AveragePowerW,
        PeakTs = Quarters.Peak?.Start,
        GapQuarters = Quarters.GapQuarters,
        Total = Quarters.Total,
    };
}
