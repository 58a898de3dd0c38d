namespace P1Telemetry.Contracts.Domain;

/// <summary>The highest quarter of one local day, and how many of the day's evaluated quarters the data does not cover.</summary>
/// <param name="Date">The local date.</param>
/// <param name="Peak">The day's highest quarter, earliest on a tie; null for a day without a covered quarter.</param>
/// <param name="GapQuarters">Quarters of the day (as far as it was evaluated) inside a gap.</param>
public readonly record struct DailyPeak(DateOnly Date, QuarterValue? Peak, int GapQuarters);
