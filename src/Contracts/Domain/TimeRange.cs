namespace P1Telemetry.Contracts.Domain;

/// <summary>A half-open UTC interval <c>[Start, End)</c>.</summary>
public readonly record struct TimeRange(DateTimeOffset Start, DateTimeOffset End)
{
    public TimeSpan Duration => End - Start;

    /// <summary>The number of whole quarter-hours in the range.</summary>
    public int Quarters => (int)(Duration.Ticks / QuarterHour.Length.Ticks);

    public bool Contains(DateTimeOffset instant) => instant >= Start && instant < End;
}
