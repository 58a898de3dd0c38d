namespace P1Telemetry.MeterSimulator.Meter;

/// <summary>
/// Stateless, platform-independent pseudo-random numbers keyed by integers (SplitMix64 finalizer), so that a
/// reading is a pure function of the seed and the instant.
/// </summary>
internal static class DeterministicNoise
{
    public static ulong Hash(long seed, long a, long b = 0)
    {
        var x = Mix(unchecked((ulong)seed));
        x = Mix(x ^ unchecked((ulong)a));
        return Mix(x ^ unchecked((ulong)b * 0xD6E8FEB86659FD93UL));
    }

    /// <summary>A uniform number in [0, 1).</summary>
    public static double Unit(long seed, long a, long b = 0) => (Hash(seed, a, b) >> 11) * (1.0 / (1UL << 53));

    /// <summary>A seed for <see cref="Random"/>, whose seeded sequence is stable across platforms and runs.</summary>
    public static int RandomSeed(long seed, long a, long b = 0) => (int)(Hash(seed, a, b) & 0x7FFFFFFF);

    private static ulong Mix(ulong x)
    {
        unchecked
        {
            x += 0x9E3779B97F4A7C15UL;
            x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
            x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
            return x ^ (x >> 31);
        }
    }
}
