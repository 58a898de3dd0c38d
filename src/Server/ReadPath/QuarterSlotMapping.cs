using P1Telemetry.Contracts.Domain;
using P1Telemetry.Server.Storage;

namespace P1Telemetry.Server.ReadPath;

internal static class QuarterSlotMapping
{
    public static QuarterSlot ToSlot(this QuarterHourRow row) => new()
    {
        Start = row.Start,
        SampleCount = row.SampleCount,
        ImportPowerSumW = row.ImportPowerSumW,
        ImportPowerMaxW = row.ImportPowerMaxW,
        PowerSumW = row.PowerSumW,
        PowerMinW = row.PowerMinW,
        PowerMaxW = row.PowerMaxW,
        FirstTs = row.FirstTs,
        FirstImportKwh = row.FirstImportKwh,
        FirstExportKwh = row.FirstExportKwh,
        LastTs = row.LastTs,
        LastImportKwh = row.LastImportKwh,
        LastExportKwh = row.LastExportKwh,
    };

    public static List<QuarterSlot> ToSlots(this IReadOnlyList<QuarterHourRow> rows)
    {
        var slots = new List<QuarterSlot>(rows.Count);
        foreach (var row in rows)
        {
            slots.Add(row.ToSlot());
        }

        return slots;
    }
}
