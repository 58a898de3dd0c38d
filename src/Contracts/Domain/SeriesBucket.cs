namespace P1Telemetry.Contracts.Domain;

/// <summary>One bucket of a historical series.</summary>
/// <param name="Start">The bucket's start with the zone's local offset at that instant.</param>
/// <param name="End">The bucket's end (exclusive) with the local offset.</param>
/// <param name="SampleCount">Readings inside the bucket.</param>
/// <param name="AvgPowerW">Mean net power of the readings; null without readings.</param>
/// <param name="MaxPowerW">Highest net power of the readings; null without readings.</param>
/// <param name="EnergyImportKwh">Import register delta over the bucket.</param>
/// <param name="EnergyExportKwh">Export register delta over the bucket.</param>
public sealed record SeriesBucket(
    DateTimeOffset Start,
    DateTimeOffset End,
    long SampleCount,
    double? AvgPowerW,
    long? MaxPowerW,
    double EnergyImportKwh,
    double EnergyExportKwh);
