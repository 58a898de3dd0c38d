using P1Telemetry.Contracts.Domain;

namespace P1Telemetry.Server.Storage;

/// <summary>
/// How partial sums of a quarter-hour combine: counts and sums add, extremes widen, the first reading is the
/// earlier one and the last the later one. The rules of <see cref="QuarterHourColumns"/> say the same to SQL,
/// so the rollup folded in memory, the one upserted in the database and the totals of a month agree.
/// </summary>
internal static class QuarterHourMerge
{
    /// <summary>
    /// <paramref name="stored"/> and <paramref name="added"/> as one slot, with the start of <paramref name="stored"/>;
    /// in any order, a tie on the last reading's instant going to <paramref name="added"/>.
    /// </summary>
    public static QuarterSlot Merge(QuarterSlot stored, QuarterSlot added)
    {
        var earlier = added.FirstTs < stored.FirstTs ? added : stored;
        var later = added.LastTs >= stored.LastTs ? added : stored;
        return stored with
        {
            SampleCount = stored.SampleCount + added.SampleCount,
            ImportPowerSumW = stored.ImportPowerSumW + added.ImportPowerSumW,
            ImportPowerMaxW = Math.Max(stored.ImportPowerMaxW, added.ImportPowerMaxW),
            PowerSumW = stored.PowerSumW + added.PowerSumW,
            PowerMinW = Math.Min(stored.PowerMinW, added.PowerMinW),
            PowerMaxW = Math.Max(stored.PowerMaxW, added.PowerMaxW),
            FirstTs = earlier.FirstTs,
            FirstImportKwh = earlier.FirstImportKwh,
            FirstExportKwh = earlier.FirstExportKwh,
            LastTs = later.LastTs,
            LastImportKwh = later.LastImportKwh,
            LastExportKwh = later.LastExportKwh,
        };
    }

    /// <summary>A slot that holds one reading.</summary>
    public static QuarterSlot Of(DateTimeOffset start, DateTimeOffset ts, int importPowerW, int powerW, double importKwh, double exportKwh) => new()
    {
        Start = start,
        SampleCount = 1,
        ImportPowerSumW = importPowerW,
        ImportPowerMaxW = importPowerW,
        PowerSumW = powerW,
        PowerMinW = powerW,
        PowerMaxW = powerW,
        FirstTs = ts,
        FirstImportKwh = importKwh,
        FirstExportKwh = exportKwh,
        LastTs = ts,
        LastImportKwh = importKwh,
        LastExportKwh = exportKwh,
    };
}
