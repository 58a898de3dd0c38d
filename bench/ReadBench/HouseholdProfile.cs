using P1Telemetry.Contracts.Wire;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.ReadBench;

/// <summary>
/// Deterministic 1 Hz readings of a household: a base load, appliances switching on for minutes at a time,
/// solar export around noon; the registers integrate the power exactly.
/// </summary>
internal sealed class HouseholdProfile
{
    private readonly DateTimeOffset _start;
    private readonly Random _random;
    private readonly IEnumerator<Sample> _readings;
    private int _appliance;
    private int _applianceLeft;
    private long _taken;

    public HouseholdProfile(string deviceId, DateTimeOffset start, int seed = 7)
    {
        _start = start;
        _random = new Random(seed);
        _readings = MeterReadings.Integrate(deviceId, start, TimeSpan.FromSeconds(1), Powers(), 12_345.678, 2_345.678)
            .Select(sample => sample with { PowerL1W = sample.PowerW })
            .GetEnumerator();
    }

    public DateTimeOffset Next => _start.AddSeconds(_taken);

    public List<Sample> Take(int count)
    {
        var batch = new List<Sample>(count);
        for (var i = 0; i < count && _readings.MoveNext(); i++)
        {
            batch.Add(_readings.Current);
            _taken++;
        }

        return batch;
    }

    private IEnumerable<int> Powers()
    {
        for (var ts = _start; ; ts = ts.AddSeconds(1))
        {
            if (_applianceLeft-- <= 0)
            {
                _appliance = _random.Next(10) < 3 ? _random.Next(500, 7000) : 0;
                _applianceLeft = _random.Next(60, 1800);
            }

            var hour = ts.UtcDateTime.Hour + (ts.UtcDateTime.Minute / 60.0);
            var solar = hour is > 7 and < 17 ? (int)(3000 * Math.Sin((hour - 7) / 10 * Math.PI)) : 0;
            yield return 250 + _random.Next(0, 100) + _appliance - solar;
        }
    }
}
