using System.Globalization;
using P1Telemetry.MeterSimulator.Cli;
using P1Telemetry.MeterSimulator.Meter;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.MeterSimulator.Tests;

/// <summary><c>p1-meter-simulator history</c>: the contract's CSV, one row per telegram of the requested local days.</summary>
public sealed class HistoryTests : IDisposable
{
    internal const string Header =
        "ts_utc,meter_timestamp,power_w,power_l1_w,power_l2_w,power_l3_w,energy_import_kwh,energy_export_kwh,average_power_15m_w,monthly_power_peak_w,monthly_power_peak_ts_utc,gas_m3,gas_ts_utc";

    private readonly string _directory = TestRunDirectory.NewPath("sim-history");

    public HistoryTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private async Task<(int ExitCode, string[] Lines, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await SimulatorCommandLine.RunAsync(["history", .. args], output, error);
        var file = args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault();
        var lines = exitCode == 0 && file is not null ? await File.ReadAllLinesAsync(file) : [];
        return (exitCode, lines, error.ToString());
    }

    [Fact]
    public async Task Writes_the_contract_header_and_one_row_per_interval_of_the_local_day()
    {
        var file = Path.Combine(_directory, "day.csv");
        var (exitCode, lines, error) = await RunAsync("--days", "1", "--out", file, "--end", "2026-03-10", "--interval-s", "60", "--seed", "3");

        Assert.Equal(0, exitCode);
        Assert.Equal(Header, lines[0]);
        Assert.Equal(1 + 1440, lines.Length);
        Assert.Contains("wrote 1440 rows", error, StringComparison.Ordinal);
        var first = lines[1].Split(',');
        var last = lines[^1].Split(',');
        Assert.Equal(13, first.Length);
        Assert.Equal("2026-03-08T23:00:00Z", first[0]);
        Assert.Equal("2026-03-09T00:00:00", first[1]);
        Assert.Equal("2026-03-09T22:59:00Z", last[0]);
        Assert.Equal("2026-03-09T23:59:00", last[1]);
        Assert.All(lines.Skip(1), line => Assert.Equal(13, line.Split(',').Length));
    }

    [Fact]
    public async Task Rows_carry_invariant_numbers_sums_of_tariffs_and_UTC_times()
    {
        var file = Path.Combine(_directory, "rows.csv");
        var (_, lines, _) = await RunAsync("--days", "1", "--out", file, "--end", "2026-01-16", "--interval-s", "10");
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();

        var generator = new TelegramGenerator(1, new DateTimeOffset(2026, 1, 14, 23, 0, 0, TimeSpan.Zero), TimeSpan.FromSeconds(10),
            TelegramGeneratorTests.Brussels);
        var expected = generator.Next();
        Assert.Equal(expected.PowerW.ToString(CultureInfo.InvariantCulture), rows[0][2]);
        Assert.Equal(expected.AveragePower15mW.ToString(CultureInfo.InvariantCulture), rows[0][8]);

        Assert.All(rows, r =>
        {
            Assert.Equal(int.Parse(r[2], CultureInfo.InvariantCulture),
                int.Parse(r[3], CultureInfo.InvariantCulture) + int.Parse(r[4], CultureInfo.InvariantCulture) + int.Parse(r[5], CultureInfo.InvariantCulture));
            Assert.Matches(@"^\d+\.\d{3}$", r[6]);
            Assert.Matches(@"^\d+\.\d{3}$", r[11]);
            Assert.EndsWith("Z", r[12], StringComparison.Ordinal);
        });

        var imports = rows.Select(r => double.Parse(r[6], CultureInfo.InvariantCulture)).ToList();
        Assert.True(imports.Zip(imports.Skip(1)).All(p => p.Second >= p.First), "the import register never steps back");
    }

    [Fact]
    public async Task Monthly_peak_cells_are_empty_until_the_first_quarter_of_the_month_completes()
    {
        var file = Path.Combine(_directory, "first.csv");
        var (_, lines, _) = await RunAsync("--days", "1", "--out", file, "--end", "2026-05-02", "--interval-s", "60");
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();

        Assert.All(rows.Take(15), r => Assert.Equal(("", ""), (r[9], r[10])));
        Assert.Equal("2026-04-30T22:15:00Z", rows[15][10]);
        Assert.All(rows.Skip(15), r => Assert.NotEqual("", r[9]));
    }

    [Fact]
    public async Task History_ends_where_a_meter_started_at_its_end_begins()
    {
        var file = Path.Combine(_directory, "continuity.csv");
        var (_, lines, _) = await RunAsync("--days", "2", "--out", file, "--end", "2026-01-16", "--interval-s", "10", "--seed", "4");
        var last = lines[^1].Split(',');
        var end = new DateTimeOffset(2026, 1, 15, 23, 0, 0, TimeSpan.Zero);
        var live = new TelegramGenerator(4, end, TimeSpan.FromSeconds(1), TelegramGeneratorTests.Brussels).Next();

        var importGap = live.EnergyImportKwh - double.Parse(last[6], CultureInfo.InvariantCulture);
        var exportGap = live.EnergyExportKwh - double.Parse(last[7], CultureInfo.InvariantCulture);
        var gasGap = live.GasM3 - double.Parse(last[11], CultureInfo.InvariantCulture);
        Assert.InRange(importGap, 0, 0.05);
        Assert.InRange(exportGap, 0, 0.05);
        Assert.InRange(gasGap, 0, 1);
    }

    [Fact]
    public async Task A_spring_DST_day_has_23_hours_of_rows()
    {
        var file = Path.Combine(_directory, "dst.csv");
        var (exitCode, lines, _) = await RunAsync("--days", "1", "--out", file, "--end", "2026-03-30", "--interval-s", "60");

        Assert.Equal(0, exitCode);
        Assert.Equal(1 + (23 * 60), lines.Length);
        Assert.DoesNotContain(lines.Skip(1), l => l.Split(',')[1].StartsWith("2026-03-29T02:", StringComparison.Ordinal));
        Assert.Contains(lines.Skip(1), l => l.Split(',')[1] == "2026-03-29T03:00:00");
    }

    [Fact]
    public async Task An_autumn_DST_day_has_25_hours_of_rows_and_repeats_the_local_hour_with_distinct_UTC_times()
    {
        var file = Path.Combine(_directory, "dst-autumn.csv");
        var (exitCode, lines, _) = await RunAsync("--days", "1", "--out", file, "--end", "2026-10-26", "--interval-s", "60");
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();

        Assert.Equal(0, exitCode);
        Assert.Equal(25 * 60, rows.Count);
        Assert.Equal(2, rows.Count(r => r[1] == "2026-10-25T02:30:00"));
        Assert.Equal(rows.Count, rows.Select(r => r[0]).Distinct().Count());
    }

    [Fact]
    public async Task The_same_seed_writes_the_same_file_and_another_seed_does_not()
    {
        string[] Args(string name, string seed) =>
            ["--days", "1", "--out", Path.Combine(_directory, name), "--end", "2026-07-01", "--interval-s", "30", "--seed", seed];

        var a = (await RunAsync(Args("a.csv", "5"))).Lines;
        var b = (await RunAsync(Args("b.csv", "5"))).Lines;
        var c = (await RunAsync(Args("c.csv", "6"))).Lines;

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Theory]
    [InlineData(new[] { "--days", "1" }, "--out")]
    [InlineData(new[] { "--days", "0", "--out", "x.csv" }, "--days")]
    [InlineData(new[] { "--days", "1", "--out", "x.csv", "--end", "01/03/2026" }, "--end")]
    [InlineData(new[] { "--days", "1", "--out", "x.csv", "--end", "2026-03-01T12:00:00" }, "--end")]
    [InlineData(new[] { "--days", "1", "--out", "x.csv", "--interval-s", "7" }, "--interval-s")]
    [InlineData(new[] { "--days", "1", "--out", "x.csv", "--speed", "3" }, "--speed")]
    public async Task Bad_arguments_exit_2_naming_the_option(string[] args, string named)
    {
        var (exitCode, _, error) = await RunAsync(args);

        Assert.Equal(2, exitCode);
        Assert.Contains(named, error, StringComparison.Ordinal);
    }
}
