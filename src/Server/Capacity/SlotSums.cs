using P1Telemetry.Contracts.Domain;
using P1Telemetry.Server.Storage;

namespace P1Telemetry.Server.Capacity;

internal static class SlotSums
{
    /// <summary>The slots starting in <paramref name="range"/> as one slot: sums, extremes and the outer readings.</summary>
    public static QuarterSlot? Sum(IReadOnlyList<QuarterSlot> slots, TimeRange range)
    {
        QuarterSlot? total = null;
        foreach (var slot in slots)
        {
            if (slot.SampleCount <= 0 || !range.Contains(slot.Start))
            {
                continue;
            }

            total = Add(total, slot with { Start = range.Start });
        }

        return total;
    }

    /// <summary><paramref name="earlier"/> and <paramref name="later"/> (which follows it in time) as one slot.</summary>
    public static QuarterSlot? Add(QuarterSlot? earlier, QuarterSlot? later)
    {
        if (earlier is not { } sum)
        {
            return later;
        }

        if (later is not { } slot)
        {
            return earlier;
        }

        return QuarterHourMerge.Merge(sum, slot);
    }
}
