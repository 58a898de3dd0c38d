using P1Telemetry.Contracts.Domain;

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

        return sum with
        {
            SampleCount = sum.SampleCount + slot.SampleCount,
            ImportPowerSumW = sum.ImportPowerSumW + slot.ImportPowerSumW,
            ImportPowerMaxW = Math.Max(sum.ImportPowerMaxW, slot.ImportPowerMaxW),
            PowerSumW = sum.PowerSumW + slot.PowerSumW,
            PowerMinW = Math.Min(sum.PowerMinW, slot.PowerMinW),
            PowerMaxW = Math.Max(sum.PowerMaxW, slot.PowerMaxW),
            LastTs = slot.LastTs,
            LastImportKwh = slot.LastImportKwh,
            LastExportKwh = slot.LastExportKwh,
        };
    }
}
