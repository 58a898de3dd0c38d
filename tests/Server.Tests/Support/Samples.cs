using P1Telemetry.Contracts.Wire;

namespace P1Telemetry.Server.Tests.Support;

/// <summary>Builds plausible samples: 1 Hz readings whose registers integrate the power.</summary>
public static class Samples
{
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    public static Sample At(string deviceId, DateTimeOffset ts, int powerW = 1200, double importKwh = 100, double exportKwh = 5) => new()
    {
        DeviceId = deviceId,
        Ts = ts,
        PowerW = powerW,
        ImportPowerW = Math.Max(powerW, 0),
        EnergyImportKwh = importKwh,
        EnergyExportKwh = exportKwh,
    };

    /// <summary><paramref name="count"/> consecutive readings, one per <paramref name="step"/>, with random power.</summary>
    public static List<Sample> Series(string deviceId, DateTimeOffset start, int count, TimeSpan step, int seed = 1)
    {
        var random = new Random(seed);
        var samples = new List<Sample>(count);
        double import = 1000, export = 200;
        for (var i = 0; i < count; i++)
        {
            var power = random.Next(-3000, 9000);
            var hours = step.TotalHours;
            if (power > 0)
            {
                import += power * hours / 1000;
            }
            else
            {
                export += -power * hours / 1000;
            }

            samples.Add(new Sample
            {
                DeviceId = deviceId,
                Ts = start + (step * i),
                PowerW = power,
                ImportPowerW = Math.Max(power, 0),
                EnergyImportKwh = Math.Round(import, 3),
                EnergyExportKwh = Math.Round(export, 3),
                AveragePower15mW = i % 7 == 0 ? random.Next(0, 5000) : null,
                PowerL1W = i % 3 == 0 ? power / 3 : null,
                GasM3 = i % 11 == 0 ? 1234.5 + i : null,
                GasTs = i % 11 == 0 ? start + (step * i) - TimeSpan.FromSeconds(30) : null,
            });
        }

        return samples;
    }
}
