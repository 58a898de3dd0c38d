using P1Telemetry.Contracts.Wire;
using P1Telemetry.TestInfrastructure;

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
        var optional = new Random(seed);
        return [.. MeterReadings.Integrate(deviceId, start, step, MeterReadings.RandomPower(seed, -3000, 9000).Take(count), 1000, 200)
            .Select((sample, i) => sample with
            {
                AveragePower15mW = i % 7 == 0 ? optional.Next(0, 5000) : null,
                PowerL1W = i % 3 == 0 ? sample.PowerW / 3 : null,
                GasM3 = i % 11 == 0 ? 1234.5 + i : null,
                GasTs = i % 11 == 0 ? sample.Ts - TimeSpan.FromSeconds(30) : null,
            })];
    }
}
