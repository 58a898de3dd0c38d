namespace P1Telemetry.Edge.Tests.Infrastructure;

/// <summary>A <see cref="Random"/> whose NextDouble always returns the same value, to pin jitter in tests.</summary>
public sealed class FixedRandom(double value) : Random
{
    public override double NextDouble() => value;
}
