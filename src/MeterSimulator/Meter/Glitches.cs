namespace P1Telemetry.MeterSimulator.Meter;

/// <summary>The register glitches real dongles occasionally report, applied to a single telegram.</summary>
public static class Glitches
{
    /// <summary>How far the import register steps back.</summary>
    public const long BackwardsWh = 3_000;

    /// <summary>How far the import register jumps: more than any household connection could draw in a second.</summary>
    public const long SpikeWh = 1_000_000;

    public static Telegram Apply(Telegram telegram, RegisterGlitch glitch)
    {
        ArgumentNullException.ThrowIfNull(telegram);
        return glitch switch
        {
            RegisterGlitch.Backwards => telegram with { ImportT1Wh = Math.Max(0, telegram.ImportT1Wh - BackwardsWh) },
            RegisterGlitch.Spike => telegram with { ImportT1Wh = telegram.ImportT1Wh + SpikeWh },
            _ => telegram,
        };
    }
}
