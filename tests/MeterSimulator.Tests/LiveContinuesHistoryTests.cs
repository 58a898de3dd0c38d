using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using P1Telemetry.MeterSimulator.Cli;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.MeterSimulator.Tests;

/// <summary>
/// A live meter started at the instant a history ends continues it: the same registers and the same month peak
/// (the highest quarter-hour since the local 1st, DSMR 1-0:1.6.0) as the history's rows show and as a server
/// computes from them.
/// </summary>
public sealed class LiveContinuesHistoryTests : IDisposable
{
    private const int Seed = 42;

    private readonly string _directory = TestRunDirectory.NewPath("sim-continuity");

    public LiveContinuesHistoryTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task A_meter_started_mid_month_shows_the_highest_quarter_of_the_history_since_the_1st()
    {
        // 2026-11-04 11:07:30 local: three days and a morning of November, 1 s readings from local midnight of the 1st.
        var start = new DateTimeOffset(2026, 11, 4, 10, 7, 30, TimeSpan.Zero);
        var rows = await WriteHistoryAsync(start, days: 3, intervalSeconds: 1);
        Assert.Equal("2026-10-31T23:00:00Z", rows[0][0]);

        // The capacity tariff's definition with complete 1 Hz data: the mean offtake power of each clock quarter.
        var monthStart = DateTimeOffset.Parse("2026-10-31T23:00:00Z", CultureInfo.InvariantCulture);
        var quarterSums = new SortedDictionary<DateTimeOffset, long>();
        foreach (var row in rows)
        {
            var ts = Utc(row[0]);
            var quarterEnd = QuarterEndOf(ts);
            if (ts > monthStart && quarterEnd <= QuarterStartOf(start))
            {
                quarterSums[quarterEnd] = quarterSums.GetValueOrDefault(quarterEnd) + Math.Max(0, int.Parse(row[2], CultureInfo.InvariantCulture));
            }
        }

        Assert.Equal((3 * 96) + 44, quarterSums.Count);
        var peak = quarterSums.Select(q => (End: q.Key, ValueW: (int)(q.Value / 900))).MaxBy(q => q.ValueW);
        Assert.True(peak.ValueW > 2_500, $"the household's November peak so far is a real one, got {peak.ValueW} W");

        await using var meter = await TestSimulator.StartAsync(new SimulatorOptions
        {
            Seed = Seed,
            Start = start,
            TimeProvider = new FakeTimeProvider(start.AddMinutes(3)),
            Token = "00112233445566778899AABBCCDDEEFF",
        });
        using var v2 = SimulatorClients.V2(meter, "00112233445566778899AABBCCDDEEFF");
        using var measurement = JsonDocument.Parse(await v2.GetStringAsync("api/measurement"));
        using var v1 = SimulatorClients.V1(meter);
        using var data = JsonDocument.Parse(await v1.GetStringAsync("api/v1/data"));

        Assert.Equal(peak.ValueW, measurement.RootElement.GetProperty("monthly_power_peak_w").GetInt32());
        Assert.Equal(peak.End, Utc(measurement.RootElement.GetProperty("monthly_power_peak_timestamp").GetString()!, local: true));
        Assert.Equal(peak.ValueW, data.RootElement.GetProperty("montly_power_peak_w").GetInt32());
        // The history's own meter figures agree too.
        Assert.Equal(peak.ValueW.ToString(CultureInfo.InvariantCulture), rows[^1][9]);
    }

    [Fact]
    public async Task A_1_s_meter_continues_a_10_s_history_with_the_peak_a_server_computes_from_its_registers()
    {
        var start = new DateTimeOffset(2026, 11, 6, 14, 2, 40, TimeSpan.Zero);
        var rows = await WriteHistoryAsync(start, days: 5, intervalSeconds: 10);

        // As the server does it: offtake energy between the import register at the quarter's two boundaries.
        var boundaries = rows.Where(r => Utc(r[0]) == QuarterStartOf(Utc(r[0])))
            .Select(r => (Ts: Utc(r[0]), ImportKwh: double.Parse(r[6], CultureInfo.InvariantCulture)))
            .ToList();
        var serverPeak = boundaries.Zip(boundaries.Skip(1))
            .Where(p => p.Second.Ts - p.First.Ts == TimeSpan.FromMinutes(15) && p.First.Ts >= Utc("2026-10-31T23:00:00Z"))
            .Max(p => (p.Second.ImportKwh - p.First.ImportKwh) * 4_000);

        var live = new Meter.TelegramGenerator(Seed, start, TimeSpan.FromSeconds(1), TelegramGeneratorTests.Brussels).Next();

        // Each boundary reading shows two tariff registers rounded down to 1 Wh: the server's quarter can be 2 Wh (8 W) off.
        Assert.InRange(live.MonthlyPowerPeakW!.Value - serverPeak, -8, 8);
        Assert.Equal(rows[^1][9], live.MonthlyPowerPeakW.Value.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(rows[^1][10], live.MonthlyPowerPeakTsUtc!.Value.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_history_ending_at_an_instant_stops_just_before_it_and_a_meter_started_there_continues_the_registers()
    {
        var end = new DateTimeOffset(2026, 1, 15, 13, 37, 20, TimeSpan.Zero);
        var rows = await WriteHistoryAsync(end, days: 1, intervalSeconds: 10);
        Assert.Equal("2026-01-13T23:00:00Z", rows[0][0]);
        Assert.Equal("2026-01-15T13:37:10Z", rows[^1][0]);

        await using var meter = await TestSimulator.StartAsync(new SimulatorOptions
        {
            Seed = Seed,
            Start = end,
            TimeProvider = new FakeTimeProvider(end.AddSeconds(30)),
        });
        var first = meter.Readings[0];
        Assert.Equal(end, first.TsUtc);

        // The first live telegram books the 10 s after the last row: at most 2 Wh of rounding per pair of tariff registers.
        var profile = new Meter.HouseholdProfile(Seed, TelegramGeneratorTests.Brussels);
        var importJ = Enumerable.Range(1, 10).Sum(s => (long)Math.Max(0, profile.PowerAt(end.AddSeconds(s - 10)).Total));
        var exportJ = Enumerable.Range(1, 10).Sum(s => (long)Math.Max(0, -profile.PowerAt(end.AddSeconds(s - 10)).Total));
        var last = rows[^1];
        Assert.InRange((first.EnergyImportKwh - Kwh(last[6])) * 3_600_000 - importJ, -2 * 3_600, 2 * 3_600);
        Assert.InRange((first.EnergyExportKwh - Kwh(last[7])) * 3_600_000 - exportJ, -2 * 3_600, 2 * 3_600);
        Assert.InRange(first.GasM3 - Kwh(last[11]), -0.0011, 0.0011);
        Assert.True(importJ > 0, "a January afternoon draws power");
    }

    private async Task<List<string[]>> WriteHistoryAsync(DateTimeOffset end, int days, int intervalSeconds)
    {
        var file = Path.Combine(_directory, $"history-{intervalSeconds}.csv");
        using var error = new StringWriter();
        var exitCode = await SimulatorCommandLine.RunAsync(
            ["history", "--days", days.ToString(CultureInfo.InvariantCulture), "--out", file, "--seed", Seed.ToString(CultureInfo.InvariantCulture),
                "--end", end.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), "--interval-s", intervalSeconds.ToString(CultureInfo.InvariantCulture)],
            TextWriter.Null, error);
        Assert.True(exitCode == 0, error.ToString());
        return [.. (await File.ReadAllLinesAsync(file)).Skip(1).Select(l => l.Split(','))];
    }

    private static double Kwh(string cell) => double.Parse(cell, CultureInfo.InvariantCulture);

    private static DateTimeOffset Utc(string text, bool local = false) => local
        ? new DateTimeOffset(DateTime.Parse(text, CultureInfo.InvariantCulture),
            TelegramGeneratorTests.Brussels.GetUtcOffset(DateTime.Parse(text, CultureInfo.InvariantCulture))).ToUniversalTime()
        : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUniversalTime();

    private static DateTimeOffset QuarterStartOf(DateTimeOffset t) => new(t.UtcTicks - (t.UtcTicks % TimeSpan.FromMinutes(15).Ticks), TimeSpan.Zero);

    /// <summary>The end of the quarter that the second ending at <paramref name="t"/> belongs to.</summary>
    private static DateTimeOffset QuarterEndOf(DateTimeOffset t) => QuarterStartOf(t.AddSeconds(-1)).AddMinutes(15);
}
