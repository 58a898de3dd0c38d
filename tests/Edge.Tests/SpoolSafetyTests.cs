using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using P1Telemetry.Edge.Commands;
using P1Telemetry.Edge.Configuration;
using P1Telemetry.Edge.Health;
using P1Telemetry.Edge.Meter;
using P1Telemetry.Edge.Normalization;
using P1Telemetry.Edge.Polling;
using P1Telemetry.Edge.Spooling;
using P1Telemetry.Edge.Tests.Infrastructure;

namespace P1Telemetry.Edge.Tests;

/// <summary>Readings on their way into the spool (real SQLite files): failures are loud, restarts are checked, impossible registers stay out.</summary>
public sealed class SpoolSafetyTests : IDisposable
{
    private readonly TestDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(TestSamples.T0);

    private string SpoolPath => _directory.File("spool.db");

    /// <summary>A v2 measurement whose meter time is second <paramref name="second"/> after <see cref="TestSamples.T0"/> (Brussels summer time).</summary>
    private static RawReading Reading(int second, double importKwh, double exportKwh = 5, double? gasM3 = null)
    {
        var local = TestSamples.T0.AddSeconds(second).ToOffset(TimeSpan.FromHours(2)).ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        var gas = gasM3 is { } m3
            ? string.Create(CultureInfo.InvariantCulture, $$""","external":[{"unique_id":"g","type":"gas_meter","timestamp":"{{local}}","value":{{m3:R}},"unit":"m3"}]""")
            : "";
        var json = string.Create(CultureInfo.InvariantCulture,
            $$"""{"timestamp":"{{local}}","power_w":500,"energy_import_kwh":{{importKwh:R}},"energy_export_kwh":{{exportKwh:R}}{{gas}}}""");
        return new RawReading(MeterApiVersion.V2, Encoding.UTF8.GetBytes(json), TestSamples.T0.AddSeconds(second));
    }

    private static ReadingPipeline Pipeline(SampleSpool spool, HealthMonitor? health = null) =>
        new(spool, health ?? new HealthMonitor(TimeProvider.System), new EdgeOptions(), NullLogger<ReadingPipeline>.Instance);

    [Fact]
    public async Task A_spool_write_that_fails_turns_health_unhealthy_and_is_counted()
    {
        using var spool = SampleSpool.Open(SpoolPath, _time, busyTimeout: TimeSpan.FromMilliseconds(50));
        var health = new HealthMonitor(_time);
        health.RecordUpload();
        var pipeline = Pipeline(spool, health);
        Assert.Equal(ReadingOutcome.Spooled, await pipeline.ProcessAsync(Reading(0, 1000), default));

        using (var other = new SqliteConnection($"Data Source={SpoolPath};Pooling=False"))
        {
            // Another process holds the write lock (a locked file behaves like a full disk: the insert fails).
            other.Open();
            using var lockIt = other.CreateCommand();
            lockIt.CommandText = "BEGIN EXCLUSIVE";
            lockIt.ExecuteNonQuery();

            Assert.Equal(ReadingOutcome.SpoolFailed, await pipeline.ProcessAsync(Reading(1, 1000.001), default));
            Assert.Equal(ReadingOutcome.SpoolFailed, await pipeline.ProcessAsync(Reading(2, 1000.002), default));
        }

        var report = health.Snapshot(await spool.CountAsync(default), 0);
        Assert.Equal("unhealthy", report.Status);
        Assert.Equal(2, report.SpoolWriteFailures);
        Assert.Contains("locked", report.SpoolWriteError, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(report.Problems, p => p.Contains("2 readings could not be written to the spool", StringComparison.Ordinal));

        // Writes work again; the failures stay visible for a while, then health recovers.
        Assert.Equal(ReadingOutcome.Spooled, await pipeline.ProcessAsync(Reading(3, 1000.003), default));
        _time.Advance(HealthEvaluator.SpoolFailureShownFor + TimeSpan.FromSeconds(1));
        health.RecordReading("v2");
        health.RecordUpload();
        var later = health.Snapshot(0, 0);
        Assert.Equal("healthy", later.Status);
        Assert.Equal(2, later.SpoolWriteFailures);
    }

    [Theory]
    [InlineData(990, "stepped back from 1000 to 990")]
    [InlineData(1500, "MAX_POWER_W")]
    public async Task The_first_reading_after_a_restart_is_checked_against_the_last_one_spooled(double importKwh, string reason)
    {
        using (var spool = SampleSpool.Open(SpoolPath, _time))
        {
            Assert.Equal(ReadingOutcome.Spooled, await Pipeline(spool).ProcessAsync(Reading(0, 1000), default));
            // Everything was uploaded before the restart: the check must not depend on what still waits.
            await spool.AckAsync((await spool.PeekAsync(10, default)).Select(s => s.Id).ToList(), default);
        }

        using (var spool = SampleSpool.Open(SpoolPath, _time))
        {
            var pipeline = Pipeline(spool);

            Assert.Equal(ReadingOutcome.Quarantined, await pipeline.ProcessAsync(Reading(60, importKwh), default));
            Assert.Equal(ReadingOutcome.Duplicate, await pipeline.ProcessAsync(Reading(0, 1000), default));
            Assert.Equal(ReadingOutcome.Spooled, await pipeline.ProcessAsync(Reading(61, 1000.01), default));
            Assert.Contains(reason, Assert.Single(await spool.ReadQuarantineAsync(10, default)).Reason, StringComparison.Ordinal);
            Assert.Equal(1, await spool.CountAsync(default));
        }
    }

    [Theory]
    [InlineData(2e9, 5, null, "energy_import_kwh")]
    [InlineData(1000, 1.5e9, null, "energy_export_kwh")]
    [InlineData(1000, 5, 3e9, "gas_m3")]
    public async Task A_register_above_a_billion_is_quarantined_not_spooled(double importKwh, double exportKwh, double? gasM3, string field)
    {
        using var spool = SampleSpool.Open(SpoolPath, _time);

        var outcome = await Pipeline(spool).ProcessAsync(Reading(0, importKwh, exportKwh, gasM3), default);

        Assert.Equal(ReadingOutcome.Quarantined, outcome);
        Assert.Equal(0, await spool.CountAsync(default));
        Assert.Contains(field, Assert.Single(await spool.ReadQuarantineAsync(10, default)).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_backfill_row_with_an_impossible_register_is_refused()
    {
        var csv = HistoryCsv.FromHeader("ts_utc,power_w,energy_import_kwh,energy_export_kwh,gas_m3");

        Assert.NotNull(csv.Parse("2026-06-01T00:00:00Z,100,999999999,5,1"));
        var error = Assert.Throws<InvalidReadingException>(() => csv.Parse("2026-06-01T00:00:01Z,100,1000,5,1000000001"));
        Assert.Contains("gas_m3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_reports_the_oldest_spooled_sample_and_the_free_disk_space()
    {
        using var spool = SampleSpool.Open(SpoolPath, _time);
        Assert.Null(await spool.OldestSpooledTsAsync(default));
        await spool.EnqueueManyAsync(Enumerable.Range(0, 3).Select(i => TestSamples.SampleAt(i)), default);
        _time.Advance(TimeSpan.FromHours(1));
        var monitor = new HealthMonitor(_time);
        monitor.RecordReading("v2");

        var free = spool.DiskFreeBytes();
        var report = monitor.Snapshot(3, 0, await spool.OldestSpooledTsAsync(default), free);

        Assert.Equal(TestSamples.T0, report.OldestSpooledAt);
        Assert.Equal(3600, report.OldestSpooledAgeSeconds);
        Assert.True(free > 0, $"free bytes: {free}");
        Assert.Equal(free, report.SpoolDiskFreeBytes);
        Assert.Contains("\"spool_disk_free_bytes\"", HealthFile.ToJson(report), StringComparison.Ordinal);
    }

    [Fact]
    public void Health_warns_well_before_the_disk_is_full_and_is_unhealthy_near_the_end()
    {
        const long mb = 1024 * 1024;
        var monitor = new HealthMonitor(_time, HealthThresholds.FromMegabytes(warn: 1024, min: 200));
        monitor.RecordReading("v2");

        var plenty = monitor.Snapshot(0, 0, diskFreeBytes: 5000 * mb);
        var filling = monitor.Snapshot(0, 0, diskFreeBytes: 800 * mb);
        var nearlyFull = monitor.Snapshot(0, 0, diskFreeBytes: 150 * mb);

        Assert.Equal(("healthy", 0), (plenty.Status, plenty.Warnings.Count));
        Assert.Equal("healthy", filling.Status);
        Assert.Contains("800 MB free", Assert.Single(filling.Warnings), StringComparison.Ordinal);
        Assert.Equal("unhealthy", nearlyFull.Status);
        Assert.Contains(nearlyFull.Problems, p => p.Contains("only 150 MB free", StringComparison.Ordinal));
    }

    [Fact]
    public void The_disk_thresholds_are_settings_checked_at_start()
    {
        var errors = new List<string>();
        EdgeOptionsValidator.ValidateCommon(new EdgeOptions { SpoolDiskWarnMegabytes = 100, SpoolDiskMinMegabytes = 500 }, errors);

        Assert.Contains(errors, e => e.Contains("SPOOL_DISK_WARN_MB", StringComparison.Ordinal));
        Assert.Equal(HealthThresholds.FromMegabytes(2048, 300), new EdgeOptions { SpoolDiskWarnMegabytes = 2048, SpoolDiskMinMegabytes = 300 }.HealthThresholds);
    }

    public void Dispose() => _directory.Dispose();
}
