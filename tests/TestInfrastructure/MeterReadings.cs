using P1Telemetry.Contracts.Wire;

namespace P1Telemetry.TestInfrastructure;

/// <summary>
/// Plausible readings of one meter, a fixed step apart, whose registers integrate the power: each reading's power
/// flows for one step, and its registers include that step, rounded to the meter's 1 Wh.
/// </summary>
public static class MeterReadings
{
    public static IEnumerable<Sample> Integrate(string deviceId, DateTimeOffset start, TimeSpan step, IEnumerable<int> powers, double importKwh, double exportKwh)
    {
        ArgumentNullException.ThrowIfNull(powers);
        var ts = start;
        foreach (var power in powers)
        {
            var kwh = Math.Abs(power) * step.TotalHours / 1000;
            if (power > 0)
            {
                importKwh += kwh;
            }
            else
            {
                exportKwh += kwh;
            }

            yield return new Sample
            {
                DeviceId = deviceId,
                Ts = ts,
                PowerW = power,
                ImportPowerW = Math.Max(power, 0),
                EnergyImportKwh = Math.Round(importKwh, 3),
                EnergyExportKwh = Math.Round(exportKwh, 3),
            };
            ts += step;
        }
    }

    /// <summary>Net power drawn at random from [<paramref name="minW"/>, <paramref name="maxW"/>), the same for the same seed.</summary>
    public static IEnumerable<int> RandomPower(int seed, int minW, int maxW)
    {
        var random = new Random(seed);
        while (true)
        {
            yield return random.Next(minW, maxW);
        }
    }
}
