namespace P1Telemetry.Edge.Tests.Infrastructure;

public static class Eventually
{
    /// <summary>Waits (real time) until <paramref name="condition"/> holds; fails with <paramref name="what"/> otherwise.</summary>
    public static async Task TrueAsync(Func<bool> condition, string what, double seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("timed out waiting until " + what);
            }

            await Task.Delay(10);
        }
    }
}

/// <summary>A <see cref="Random"/> whose NextDouble always returns the same value, to pin jitter in tests.</summary>
public sealed class FixedRandom(double value) : Random
{
    public override double NextDouble() => value;
}
