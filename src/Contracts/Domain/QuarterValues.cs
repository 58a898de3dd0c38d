namespace P1Telemetry.Contracts.Domain;

/// <summary>
/// Computes capacity-tariff quarter-hour values: offtake energy in each clock quarter × 4, with the import
/// register interpolated linearly at both boundaries between the readings on either side.
/// </summary>
public static class QuarterValues
{
    /// <summary>
    /// The longest span between two readings that a quarter boundary is interpolated across: 5 minutes.
    /// Within that span the energy is split between the two quarters in proportion to time, which is exact at
    /// constant power and errs at most by the energy of the span itself. Longer silences (edge offline,
    /// dongle rebooting) hide when the energy was used: a register jump across them is unobserved consumption,
    /// and the quarters whose boundary falls inside are reported as gaps instead of a made-up peak.
    /// It is shorter than a quarter, so a quarter without any reading is always a gap.
    /// </summary>
    public static readonly TimeSpan MaxInterpolationGap = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The value of every quarter in <paramref name="range"/> that the data covers, and the uncovered ones as
    /// merged gap ranges.
    /// </summary>
    /// <param name="slots">Rollup rows ordered by start, including the slot just before and just after the
    /// range (their readings are the outer interpolation points).</param>
    /// <param name="range">Quarter-aligned UTC range to evaluate.</param>
    /// <param name="maxGap">Overrides <see cref="MaxInterpolationGap"/>.</param>
    public static QuarterAnalysis Compute(IReadOnlyList<QuarterSlot> slots, TimeRange range, TimeSpan? maxGap = null)
    {
        ArgumentNullException.ThrowIfNull(slots);
        var gapLimit = maxGap ?? MaxInterpolationGap;
        var timeline = new RegisterTimeline(slots);
        var quarters = new List<QuarterValue>(Math.Min(slots.Count, Math.Max(range.Quarters, 0)));
        var gaps = new List<TimeRange>();
        DateTimeOffset? gapStart = null;

        var slotIndex = 0;
        var start = QuarterHour.StartOf(range.Start);
        double? startRegister = timeline.ImportAt(start, gapLimit);
        while (start < range.End)
        {
            var end = start + QuarterHour.Length;
            var endRegister = timeline.ImportAt(end, gapLimit);

            while (slotIndex < slots.Count && slots[slotIndex].Start < start)
            {
                slotIndex++;
            }

            var slot = slotIndex < slots.Count && slots[slotIndex].Start == start ? slots[slotIndex] : default;
            if (startRegister is { } from && endRegister is { } to && slot.SampleCount > 0)
            {
                if (gapStart is { } openGap)
                {
                    gaps.Add(new TimeRange(openGap, start));
                    gapStart = null;
                }

                quarters.Add(new QuarterValue(
                    start,
                    end,
                    (to - from) * 4000.0,
                    slot.SampleCount,
                    (double)slot.ImportPowerSumW / slot.SampleCount));
            }
            else
            {
                gapStart ??= start;
            }

            start = end;
            startRegister = endRegister;
        }

        if (gapStart is { } lastGap)
        {
            gaps.Add(new TimeRange(lastGap, start));
        }

        return new QuarterAnalysis(quarters, gaps);
    }
}
