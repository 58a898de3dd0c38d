namespace P1Telemetry.MeterSimulator.Meter;

/// <summary>What a seeded household owns and how big it is; fixed for the whole simulation.</summary>
internal sealed record HouseholdTraits(
    double BaseLoadW,
    TimeSpan FridgePeriod,
    TimeSpan FridgePhase,
    bool HasHeatPump,
    bool HasEv,
    double EvPowerW,
    bool EvThreePhase,
    double PvPeakW,
    bool PvThreePhase)
{
    public static HouseholdTraits FromSeed(int seed)
    {
        var rng = new Random(DeterministicNoise.RandomSeed(seed, 0x7A17));
        var baseLoad = 120 + (rng.NextDouble() * 160);
        var fridgePeriod = TimeSpan.FromMinutes(40 + rng.Next(0, 20));
        var fridgePhase = TimeSpan.FromMinutes(rng.Next(0, 40));
        var hasHeatPump = rng.NextDouble() < 0.5;
        var hasEv = rng.NextDouble() < 0.6 || !hasHeatPump;
        var evThreePhase = rng.NextDouble() < 0.6;
        var evPower = evThreePhase ? 11_000 : 7_400;
        var pvPeak = rng.NextDouble() < 0.15 ? 0 : 3_000 + (rng.NextDouble() * 5_000);
        var pvThreePhase = pvPeak > 4_600;
        return new HouseholdTraits(
            baseLoad, fridgePeriod, fridgePhase, hasHeatPump, hasEv, evPower, evThreePhase, pvPeak, pvThreePhase);
    }
}
