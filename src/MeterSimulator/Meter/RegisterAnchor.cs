using System.Collections.Concurrent;

namespace P1Telemetry.MeterSimulator.Meter;

/// <summary>
/// Where a household's registers stand at any instant, without integrating from the meter's installation: a
/// seeded reading at 2020-01-01 plus the household's average yearly rate. History files end exactly here, so a
/// meter started at (or after) a history's end continues it without the registers stepping back; a restarted
/// simulator also continues from the registers it saved (see <c>MeterStateFile</c>).
/// </summary>
internal static class RegisterAnchor
{
    private static readonly DateTimeOffset _epoch = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly ConcurrentDictionary<(int Seed, string Zone), Rates> _rateCache = new();

    public static MeterRegisters At(int seed, TimeZoneInfo timeZone, DateTimeOffset instant)
    {
        var rates = _rateCache.GetOrAdd((seed, timeZone.Id), key => Estimate(key.Seed, timeZone));
        var seconds = (instant - _epoch).TotalSeconds;
        var rng = new Random(DeterministicNoise.RandomSeed(seed, 0x5EED));
        var dayShare = 0.45 + (rng.NextDouble() * 0.2);
        var importJ = (1_000_000.0 * 3_600 * (1 + (rng.NextDouble() * 4))) + (rates.ImportW * seconds);
        var exportJ = rates.ExportW > 0 ? (1_000_000.0 * 3_600 * rng.NextDouble()) + (rates.ExportW * seconds) : 0;
        var gasLitres = (200_000 * (1 + rng.NextDouble())) + (rates.GasLitresPerSecond * seconds);
        return new MeterRegisters(
            (long)(importJ * dayShare), (long)(importJ * (1 - dayShare)),
            (long)(exportJ * 0.8), (long)(exportJ * 0.2),
            gasLitres);
    }

    /// <summary>The yearly average, sampled over two days of every month of a reference year.</summary>
    private static Rates Estimate(int seed, TimeZoneInfo timeZone)
    {
        var profile = new HouseholdProfile(seed, timeZone);
        double sumImport = 0, sumExport = 0, sumGas = 0;
        for (var month = 1; month <= 12; month++)
        {
            double import = 0, export = 0, gas = 0;
            var samples = 0;
            foreach (var day in (ReadOnlySpan<int>)[6, 20])
            {
                var start = new DateTimeOffset(2025, month, day, 0, 0, 0, TimeSpan.Zero);
                // A step that shares no period with the fridge or the thermostats, so the sampling does not alias.
                for (var t = start; t < start.AddDays(1); t = t.AddSeconds(67))
                {
                    var power = profile.PowerAt(t).Total;
                    import += Math.Max(power, 0);
                    export += Math.Max(-power, 0);
                    gas += profile.GasLitresPerSecondAt(t);
                    samples++;
                }
            }

            sumImport += import / samples;
            sumExport += export / samples;
            sumGas += gas / samples;
        }

        return new Rates(Math.Max(100, sumImport / 12), sumExport / 12, sumGas / 12);
    }

    private sealed record Rates(double ImportW, double ExportW, double GasLitresPerSecond);
}
