using P1Telemetry.Contracts.Domain;

namespace P1Telemetry.Contracts.Tests.Domain;

/// <summary>A reading as the tests describe it.</summary>
internal readonly record struct Reading(DateTimeOffset Ts, double ImportKwh, int PowerW, double ExportKwh = 0);

/// <summary>A reference rollup: groups readings into UTC quarter slots the way the quarter_hours table does.</summary>
internal static class Rollup
{
    public static readonly DateTimeOffset Utc0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static DateTimeOffset At(string utc) => DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture);

    public static List<QuarterSlot> Of(IEnumerable<Reading> readings) =>
        [.. readings.OrderBy(r => r.Ts).GroupBy(r => QuarterHour.StartOf(r.Ts)).Select(g =>
        {
            var list = g.ToList();
            return new QuarterSlot
            {
                Start = g.Key,
                SampleCount = list.Count,
                ImportPowerSumW = list.Sum(r => (long)Math.Max(r.PowerW, 0)),
                ImportPowerMaxW = list.Max(r => (long)Math.Max(r.PowerW, 0)),
                PowerSumW = list.Sum(r => (long)r.PowerW),
                PowerMinW = list.Min(r => (long)r.PowerW),
                PowerMaxW = list.Max(r => (long)r.PowerW),
                FirstTs = list[0].Ts,
                FirstImportKwh = list[0].ImportKwh,
                FirstExportKwh = list[0].ExportKwh,
                LastTs = list[^1].Ts,
                LastImportKwh = list[^1].ImportKwh,
                LastExportKwh = list[^1].ExportKwh,
            };
        })];

    /// <summary>
    /// Readings every <paramref name="intervalS"/> seconds in [from, to) at a power given per instant; the import
    /// register integrates the import power exactly, so a quarter's value equals its mean import power.
    /// </summary>
    public static IEnumerable<Reading> Steady(
        DateTimeOffset from,
        DateTimeOffset to,
        Func<DateTimeOffset, int> powerAt,
        double startKwh = 1000,
        int intervalS = 1)
    {
        var register = startKwh;
        var export = 0.0;
        for (var ts = from; ts < to; ts = ts.AddSeconds(intervalS))
        {
            var power = powerAt(ts);
            yield return new Reading(ts, register, power, export);
            register += Math.Max(power, 0) * intervalS / 3_600_000.0;
            export += Math.Max(-power, 0) * intervalS / 3_600_000.0;
        }
    }
}
