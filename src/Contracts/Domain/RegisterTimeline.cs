namespace P1Telemetry.Contracts.Domain;

/// <summary>
/// The cumulative energy registers as known from the first and last reading of every quarter-hour slot,
/// interpolated linearly in between. Readings inside a slot are not needed: a register is cumulative, so the
/// energy between two boundaries only depends on the register at those boundaries.
/// </summary>
public sealed class RegisterTimeline
{
    private readonly long[] _ticks;
    private readonly double[] _import;
    private readonly double[] _export;

    /// <param name="slots">Rollup rows ordered by <see cref="QuarterSlot.Start"/>.</param>
    public RegisterTimeline(IReadOnlyList<QuarterSlot> slots)
    {
        ArgumentNullException.ThrowIfNull(slots);
        var count = 0;
        _ticks = new long[slots.Count * 2];
        _import = new double[slots.Count * 2];
        _export = new double[slots.Count * 2];
        foreach (var slot in slots)
        {
            if (slot.SampleCount <= 0)
            {
                continue;
            }

            Add(ref count, slot.FirstTs.UtcTicks, slot.FirstImportKwh, slot.FirstExportKwh);
            if (slot.LastTs.UtcTicks != slot.FirstTs.UtcTicks)
            {
                Add(ref count, slot.LastTs.UtcTicks, slot.LastImportKwh, slot.LastExportKwh);
            }
        }

        Count = count;
    }

    /// <summary>The number of distinct readings the timeline knows.</summary>
    public int Count { get; }

    /// <summary>The earliest reading's instant, or null when there is none.</summary>
    public DateTimeOffset? First => Count == 0 ? null : new DateTimeOffset(_ticks[0], TimeSpan.Zero);

    /// <summary>The latest reading's instant, or null when there is none.</summary>
    public DateTimeOffset? Last => Count == 0 ? null : new DateTimeOffset(_ticks[Count - 1], TimeSpan.Zero);

    /// <summary>
    /// The import register (kWh) at <paramref name="instant"/>: a reading at that instant, or the linear
    /// interpolation between the readings on either side when they are at most <paramref name="maxGap"/>
    /// apart. Null outside the data and across longer gaps: never extrapolated.
    /// </summary>
    public double? ImportAt(DateTimeOffset instant, TimeSpan maxGap) => At(_import, instant.UtcTicks, maxGap.Ticks);

    /// <summary>The export register (kWh) at <paramref name="instant"/>, with the same rules as <see cref="ImportAt"/>.</summary>
    public double? ExportAt(DateTimeOffset instant, TimeSpan maxGap) => At(_export, instant.UtcTicks, maxGap.Ticks);

    /// <summary>
    /// The import register at <paramref name="instant"/>, interpolated across gaps of any length and held at
    /// the first/last reading outside the data. Sums of differences of this function telescope to the
    /// register delta over the data, which is what energy totals must equal.
    /// </summary>
    public double ImportAtClamped(DateTimeOffset instant) => AtClamped(_import, instant.UtcTicks);

    /// <summary>The export register at <paramref name="instant"/>, with the same rules as <see cref="ImportAtClamped"/>.</summary>
    public double ExportAtClamped(DateTimeOffset instant) => AtClamped(_export, instant.UtcTicks);

    private void Add(ref int count, long ticks, double import, double export)
    {
        // Slots arrive ordered, so readings do too; a slot's first reading is never before the previous last.
        _ticks[count] = ticks;
        _import[count] = import;
        _export[count] = export;
        count++;
    }

    private double? At(double[] register, long ticks, long maxGapTicks)
    {
        var index = Array.BinarySearch(_ticks, 0, Count, ticks);
        if (index >= 0)
        {
            return register[index];
        }

        var next = ~index;
        if (next == 0 || next == Count)
        {
            return null;
        }

        var prev = next - 1;
        var span = _ticks[next] - _ticks[prev];
        if (span > maxGapTicks)
        {
            return null;
        }

        return Interpolate(register, prev, next, ticks);
    }

    private double AtClamped(double[] register, long ticks)
    {
        if (Count == 0)
        {
            return 0;
        }

        var index = Array.BinarySearch(_ticks, 0, Count, ticks);
        if (index >= 0)
        {
            return register[index];
        }

        var next = ~index;
        if (next == 0)
        {
            return register[0];
        }

        if (next == Count)
        {
            return register[Count - 1];
        }

        return Interpolate(register, next - 1, next, ticks);
    }

    private double Interpolate(double[] register, int prev, int next, long ticks)
    {
        var fraction = (double)(ticks - _ticks[prev]) / (_ticks[next] - _ticks[prev]);
        return register[prev] + ((register[next] - register[prev]) * fraction);
    }
}
