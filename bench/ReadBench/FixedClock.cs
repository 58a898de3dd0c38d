namespace P1Telemetry.ReadBench;

/// <summary>The benchmark's "now": just after the last loaded sample.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
