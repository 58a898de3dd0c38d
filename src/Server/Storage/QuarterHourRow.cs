using P1Telemetry.Contracts.Domain;

namespace P1Telemetry.Server.Storage;

/// <summary>
/// One row of the <c>quarter_hours</c> rollup: aggregates of the samples whose ts falls in the 15-minute
/// UTC-aligned slot that starts at <see cref="Start"/>, plus the first and last reading of the slot.
/// </summary>
public sealed record QuarterHourRow(
    string DeviceId,
    DateTimeOffset Start,
    long SampleCount,
    long ImportPowerSumW,
    int ImportPowerMaxW,
    long PowerSumW,
    int PowerMinW,
    int PowerMaxW,
    DateTimeOffset FirstTs,
    double FirstImportKwh,
    double FirstExportKwh,
    DateTimeOffset LastTs,
    double LastImportKwh,
    double LastExportKwh)
{
    /// <summary>The device's row for <paramref name="slot"/>, whose power extremes came from <c>int</c> readings.</summary>
    internal static QuarterHourRow Of(string deviceId, QuarterSlot slot) => new(
        deviceId, slot.Start, slot.SampleCount, slot.ImportPowerSumW, checked((int)slot.ImportPowerMaxW), slot.PowerSumW,
        checked((int)slot.PowerMinW), checked((int)slot.PowerMaxW), slot.FirstTs, slot.FirstImportKwh, slot.FirstExportKwh,
        slot.LastTs, slot.LastImportKwh, slot.LastExportKwh);
}
