using P1Telemetry.Contracts.Wire;

namespace P1Telemetry.ReadBench;

/// <summary>
/// Deterministic 1 Hz readings of a household: a base load, appliances switching on for minutes at a time,
/// solar export around noon; the registers integrate the power exactly.
/// </summary>
internal sealed class HouseholdProfile(string deviceId, DateTimeOffset start, int seed = 7)
{
    private readonly Random _random = new(seed);
    private double _import = 12_345.678;
    private double _export = 2_345.678;
    private int _appliance;
    private int _applianceLeft;
    private long _second;

    public DateTimeOffset Next => start.AddSeconds(_second);

    public List<Sample> Take(int count)
    {
        var batch = new List<Sample>(count);
        for (var i = 0; i < count; i++)
        {
            var ts = start.AddSeconds(_second++);
            if (_applianceLeft-- <= 0)
            {
                _appliance = _random.Next(10) < 3 ? _random.Next(500, 7000) : 0;
                _applianceLeft = _random.Next(60, 1800);
            }

            var hour = ts.UtcDateTime.Hour + (ts.UtcDateTime.Minute / 60.0);
            var solar = hour is > 7 and < 17 ? (int)(3000 * Math.Sin((hour - 7) / 10 * Math.PI)) : 0;
            var power = 250 + _random.Next(0, 100) + _appliance - solar;
            if (power > 0)
            {
                _import += power / 3_600_000.0;
            }
            else
            {
                _export += -power / 3_600_000.0;
            }

            batch.Add(new Sample
            {
                DeviceId = deviceId,
                Ts = ts,
                PowerW = power,
                ImportPowerW = Math.Max(power, 0),
                EnergyImportKwh = Math.Round(_import, 3),
                EnergyExportKwh = Math.Round(_export, 3),
                PowerL1W = power,
            });
        }

        return batch;
    }
}
