namespace P1Telemetry.Contracts.Domain;

/// <summary>
/// One row of the <c>quarter_hours</c> rollup as the domain sees it: what the samples inside one UTC-aligned
/// 15-minute slot add up to, plus the first and last reading of the slot (the points the register is
/// interpolated between at quarter boundaries).
/// </summary>
public readonly record struct QuarterSlot
{
    public required DateTimeOffset Start { get; init; }
    public required long SampleCount { get; init; }
    public required long ImportPowerSumW { get; init; }
    public required long ImportPowerMaxW { get; init; }
    public required long PowerSumW { get; init; }
    public required long PowerMinW { get; init; }
    public required long PowerMaxW { get; init; }
    public required DateTimeOffset FirstTs { get; init; }
    public required double FirstImportKwh { get; init; }
    public required double FirstExportKwh { get; init; }
    public required DateTimeOffset LastTs { get; init; }
    public required double LastImportKwh { get; init; }
    public required double LastExportKwh { get; init; }
}
