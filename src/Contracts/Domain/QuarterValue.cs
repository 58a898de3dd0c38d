namespace P1Telemetry.Contracts.Domain;

/// <summary>The capacity-tariff value of one clock quarter-hour that the data covers.</summary>
/// <param name="Start">The quarter's start, UTC.</param>
/// <param name="End">The quarter's end (exclusive), UTC.</param>
/// <param name="AveragePowerW">Offtake energy in the quarter × 4, in W, from the interpolated import register.</param>
/// <param name="SampleCount">How many readings fell inside the quarter.</param>
/// <param name="MeanImportPowerW">The mean of the readings' <c>import_power_w</c>; equals
/// <paramref name="AveragePowerW"/> for complete 1 Hz data.</param>
public readonly record struct QuarterValue(
    DateTimeOffset Start,
    DateTimeOffset End,
    double AveragePowerW,
    long SampleCount,
    double MeanImportPowerW);
