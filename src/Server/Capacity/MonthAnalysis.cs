using P1Telemetry.Contracts.Domain;

namespace P1Telemetry.Server.Capacity;

/// <summary>A month's quarter values as far as they are complete, with the rows they came from.</summary>
/// <param name="Month">The local month.</param>
/// <param name="Range">The whole month in UTC.</param>
/// <param name="Evaluated">The part of the month evaluated: up to the quarter in progress for the current month.</param>
/// <param name="Quarters">Quarter values and gaps of <paramref name="Evaluated"/>.</param>
/// <param name="Slots">The month's rollup rows plus one slot on either side.</param>
public sealed record MonthAnalysis(
    LocalMonth Month,
    TimeRange Range,
    TimeRange Evaluated,
    QuarterAnalysis Quarters,
    IReadOnlyList<QuarterSlot> Slots)
{
    public MonthDigest ToDigest()
    {
        var peak = Quarters.Peak;
        return new MonthDigest
        {
            Month = Month.ToString(),
            PeakW = peak?.AveragePowerW,
            PeakTs = peak?.Start,
            GapQuarters = Quarters.GapQuarters,
            Total = SlotSums.Sum(Slots, Range),
        };
    }
}
