extern alias simulator;

using P1Telemetry.Contracts.Wire;
using simulator::P1Telemetry.MeterSimulator.Meter;

namespace P1Telemetry.Server.Tests.Alerts;

/// <summary>
/// The meter simulator's household (its seeded appliances, heat pump, car and PV) read every 10 s, as the
/// edge would upload it: the alerts are driven by what a real home draws, not by a constant.
/// </summary>
public sealed class SimulatedHousehold(string deviceId, int seed, DateTimeOffset from)
{
    private static readonly TimeZoneInfo Brussels = TimeZoneInfo.FindSystemTimeZoneById("Europe/Brussels");
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private readonly TelegramGenerator _meter = new(seed, from, Interval, Brussels);

    /// <summary>The readings from the last one read up to (not including) <paramref name="until"/>.</summary>
    public List<Sample> ReadUntil(DateTimeOffset until)
    {
        var samples = new List<Sample>();
        while (_meter.NextInstant < until)
        {
            var telegram = _meter.Next();
            samples.Add(new Sample
            {
                DeviceId = deviceId,
                Ts = telegram.TsUtc,
                PowerW = telegram.PowerW,
                ImportPowerW = Math.Max(telegram.PowerW, 0),
                EnergyImportKwh = (telegram.ImportT1Wh + telegram.ImportT2Wh) / 1000.0,
                EnergyExportKwh = (telegram.ExportT1Wh + telegram.ExportT2Wh) / 1000.0,
                AveragePower15mW = telegram.AveragePower15mW,
                PowerL1W = telegram.PowerL1W,
                PowerL2W = telegram.PowerL2W,
                PowerL3W = telegram.PowerL3W,
            });
        }

        return samples;
    }

    /// <summary>
    /// A household and a quarter in which its own appliances draw well over the 2.5 kW floor from the quarter's
    /// first minutes, while the next quarter starts quiet: one quarter at risk that sets the month's peak.
    /// </summary>
    public static (int Seed, DateTimeOffset Quarter) FindPeakQuarter(DateTimeOffset searchFrom, int days)
    {
        for (var seed = 1; seed <= 200; seed++)
        {
            var profile = new HouseholdProfile(seed, Brussels);
            for (var quarter = searchFrom; quarter < searchFrom.AddDays(days); quarter += TimeSpan.FromMinutes(15))
            {
                if (Minimum(profile, quarter, quarter.AddMinutes(4)) < 2800)
                {
                    continue;
                }

                var mean = Mean(profile, quarter, quarter.AddMinutes(15));
                if (mean > 2800 && Maximum(profile, quarter.AddMinutes(15), quarter.AddMinutes(17)) < mean * 0.4)
                {
                    return (seed, quarter);
                }
            }
        }

        throw new InvalidOperationException("no simulated household draws a lone peak quarter in the searched days");
    }

    private static IEnumerable<int> Powers(HouseholdProfile profile, DateTimeOffset from, DateTimeOffset to)
    {
        for (var ts = from.Add(Interval); ts <= to; ts += Interval)
        {
            yield return profile.PowerAt(ts).Total;
        }
    }

    private static double Mean(HouseholdProfile profile, DateTimeOffset from, DateTimeOffset to) => Powers(profile, from, to).Average();

    private static int Minimum(HouseholdProfile profile, DateTimeOffset from, DateTimeOffset to) => Powers(profile, from, to).Min();

    private static int Maximum(HouseholdProfile profile, DateTimeOffset from, DateTimeOffset to) => Powers(profile, from, to).Max();
}
