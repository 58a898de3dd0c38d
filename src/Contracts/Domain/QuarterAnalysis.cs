namespace P1Telemetry.Contracts.Domain;

/// <summary>The quarter-hour values of a range, and the quarters of that range the data does not cover.</summary>
public sealed record QuarterAnalysis(IReadOnlyList<QuarterValue> Quarters, IReadOnlyList<TimeRange> Gaps)
{
    /// <summary>The number of quarters inside <see cref="Gaps"/>.</summary>
    public int GapQuarters => Gaps.Sum(gap => gap.Quarters);

    /// <summary>The highest quarter value, earliest first on a tie; null when no quarter is covered.</summary>
    public QuarterValue? Peak
    {
        get
        {
            QuarterValue? peak = null;
            foreach (var quarter in Quarters)
            {
                if (peak is null || quarter.AveragePowerW > peak.Value.AveragePowerW)
                {
                    peak = quarter;
                }
            }

            return peak;
        }
    }
}
