namespace P1Telemetry.Contracts.Domain;

/// <summary>
/// Quarter-hour slot arithmetic. Slots are aligned in UTC, which matches local clock quarters in every time
/// zone whose offset is a whole number of quarter-hours (Europe/Brussels included).
/// </summary>
public static class QuarterHour
{
    public static readonly TimeSpan Length = TimeSpan.FromMinutes(15);

    /// <summary>The start of the quarter-hour slot that contains <paramref name="instant"/>, in UTC.</summary>
    public static DateTimeOffset StartOf(DateTimeOffset instant)
    {
        var utcTicks = instant.UtcTicks;
        return new DateTimeOffset(utcTicks - (utcTicks % Length.Ticks), TimeSpan.Zero);
    }

    /// <summary>The end (exclusive) of the slot that contains <paramref name="instant"/>, in UTC.</summary>
    public static DateTimeOffset EndOf(DateTimeOffset instant) => StartOf(instant) + Length;
}
