using Microsoft.Extensions.Time.Testing;
using P1Telemetry.Edge.Commands;
using P1Telemetry.Edge.Health;
using P1Telemetry.Edge.Tests.Infrastructure;

namespace P1Telemetry.Edge.Tests;

public sealed class HealthTests : IDisposable
{
    private readonly TestDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(TestSamples.T0);

    [Fact]
    public void A_fresh_daemon_with_readings_and_uploads_is_healthy()
    {
        var monitor = new HealthMonitor(_time);
        monitor.RecordReading("v2");
        monitor.RecordUpload();

        var report = monitor.Snapshot(spoolDepth: 3, quarantineCount: 1);

        Assert.Equal("healthy", report.Status);
        Assert.True(report.MeterReachable);
        Assert.Equal((3L, 1L), (report.SpoolDepth, report.QuarantineCount));
        Assert.Equal(0, report.LastReadingAgeSeconds);
    }

    [Fact]
    public void A_meter_unreachable_for_long_is_unhealthy_but_a_short_outage_is_not()
    {
        var monitor = new HealthMonitor(_time);
        monitor.RecordReading("v1");
        _time.Advance(TimeSpan.FromSeconds(30));
        monitor.RecordMeterFailure("connection refused");

        var shortOutage = monitor.Snapshot(0, 0);
        _time.Advance(TimeSpan.FromMinutes(5));
        var longOutage = monitor.Snapshot(0, 0);

        Assert.Equal("healthy", shortOutage.Status);
        Assert.False(shortOutage.MeterReachable);
        Assert.Equal("unhealthy", longOutage.Status);
        Assert.Contains(longOutage.Problems, p => p.Contains("connection refused", StringComparison.Ordinal));
    }

    [Fact]
    public void No_upload_for_long_while_samples_wait_is_unhealthy()
    {
        var monitor = new HealthMonitor(_time);
        monitor.RecordUpload();
        _time.Advance(TimeSpan.FromMinutes(16));
        monitor.RecordReading("v2");
        monitor.RecordUploadFailure("HTTP 503");

        Assert.Equal("healthy", monitor.Snapshot(spoolDepth: 0, 0).Status);
        var waiting = monitor.Snapshot(spoolDepth: 960, 0);
        Assert.Equal("unhealthy", waiting.Status);
        Assert.Contains(waiting.Problems, p => p.Contains("960 samples wait", StringComparison.Ordinal) && p.Contains("HTTP 503", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_health_command_catches_a_stale_file()
    {
        var path = _directory.File("health.json");
        var monitor = new HealthMonitor(_time);
        monitor.RecordReading("v2");
        await HealthFile.WriteAsync(path, monitor.Snapshot(0, 0), default);
        var output = new StringWriter();

        Assert.Equal(0, await new HealthCommand(output, _time).RunAsync(path, default));
        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, await new HealthCommand(output, _time).RunAsync(path, default));
        Assert.Contains("not running or is stuck", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_file_is_replaced_atomically_without_leftovers()
    {
        var path = _directory.File("sub/health.json");
        var monitor = new HealthMonitor(_time);

        await HealthFile.WriteAsync(path, monitor.Snapshot(1, 0), default);
        await HealthFile.WriteAsync(path, monitor.Snapshot(2, 0), default);

        Assert.Equal(2, (await HealthFile.ReadAsync(path, default))!.SpoolDepth);
        Assert.Equal(["health.json"], Directory.GetFiles(_directory.File("sub")).Select(Path.GetFileName));
    }

    public void Dispose() => _directory.Dispose();
}
