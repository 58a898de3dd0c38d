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
    double LastExportKwh);
