using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using P1Telemetry.Edge.Spooling;
using P1Telemetry.Edge.Tests.Infrastructure;
using P1Telemetry.MeterSimulator;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.Edge.Tests;

/// <summary>The real <c>p1-edge</c> process between the meter simulator and a local HTTPS ingest endpoint.</summary>
public sealed class DaemonTests : IAsyncLifetime
{
    private const string _serverToken = "vps-secret-token-4f1c";
    private readonly TestDirectory _directory = new();
    private readonly TestCertificates _ca = TestCertificates.Create(commonName: "Daemon Test");
    private SimulatorHost _sim = null!;
    private IngestTestServer _server = null!;
    private string _meterToken = null!;

    public async Task InitializeAsync()
    {
        _sim = await Simulator.StartAsync(new SimulatorOptions { Speed = 4 });
        _meterToken = _sim.CreatePairedToken("local/daemon");
        _server = await IngestTestServer.StartAsync(_ca.IssueServerCertificate());
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _sim.DisposeAsync();
        _ca.Dispose();
        _directory.Dispose();
    }

    private Dictionary<string, string> Environment(double flushSeconds = 5) => new()
    {
        ["HW_P1_HOST"] = Simulator.HostAndPort(_sim.V2BaseUri),
        ["HW_P1_TOKEN"] = _meterToken,
        ["HW_CA_FILE"] = _sim.CaCertificatePath,
        ["VPS_INGEST_URL"] = _server.IngestUri.ToString(),
        ["VPS_TOKEN"] = _serverToken,
        ["VPS_CA_FILE"] = _ca.CaCertificatePath,
        ["SPOOL_PATH"] = _directory.File("data/spool.db"),
        ["POLL_INTERVAL_S"] = "0.25",
        ["UPLOAD_INTERVAL_S"] = "0.5",
        ["SHUTDOWN_FLUSH_S"] = flushSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["BACKOFF_MAX_S"] = "2",
        ["LOG_LEVEL"] = "Debug",
    };

    private static async Task<(int ExitCode, string Output)> RunToEndAsync(IReadOnlyList<string> arguments, Dictionary<string, string> environment)
    {
        await using var edge = EdgeProcess.Start(arguments, environment);
        var exitCode = await edge.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (exitCode, edge.StandardOutput + edge.StandardError);
    }

    [Fact]
    public async Task The_daemon_reads_uploads_reports_healthy_and_exits_0_on_sigterm()
    {
        var environment = Environment();
        await using var edge = EdgeProcess.Start([], environment);
        await Eventually.TrueAsync(() => _server.Accepted.Count >= 8, "samples reached the server", seconds: 60);
        await Eventually.TrueAsync(() => File.Exists(_directory.File("data/health.json")) &&
            File.ReadAllText(_directory.File("data/health.json")).Contains("\"meter_reachable\": true", StringComparison.Ordinal), "the health file reports the meter", seconds: 30);
        var (healthExit, healthOutput) = await RunToEndAsync(["health"], new() { ["SPOOL_PATH"] = environment["SPOOL_PATH"] });
        Assert.Equal(0, healthExit);
        Assert.Contains("\"status\": \"healthy\"", healthOutput, StringComparison.Ordinal);
        Assert.Contains("\"meter_reachable\": true", healthOutput, StringComparison.Ordinal);

        Assert.Equal(0, await edge.StopAsync(TimeSpan.FromSeconds(15)));

        var samples = _server.Accepted.ToList();
        Assert.All(samples, s => Assert.Equal("meter-1", s.DeviceId)); // learnt from GET /v1/me
        Assert.Equal(samples.Count, samples.Select(s => s.Ts).Distinct().Count());
        var telegrams = _sim.Readings.ToDictionary(t => t.TsUtc);
        Assert.All(samples, s => Assert.Equal(telegrams[s.Ts].EnergyImportKwh, s.EnergyImportKwh));
        Assert.Equal($"Bearer {_serverToken}", _server.LastAuthorization);

        var log = edge.StandardOutput + edge.StandardError;

        Assert.DoesNotContain(_serverToken, log, StringComparison.Ordinal);
        Assert.DoesNotContain(_meterToken, log, StringComparison.Ordinal);
        Assert.Contains("WebSocket push connected", log, StringComparison.Ordinal);
        foreach (var line in log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            using var json = JsonDocument.Parse(line); // every log line is one JSON object
            Assert.True(json.RootElement.TryGetProperty("LogLevel", out _));
        }
    }

    [Fact]
    public async Task With_the_server_down_sigterm_exits_0_within_the_flush_window_and_keeps_the_spool()
    {
        _server.Respond = _ => Results.StatusCode(503);
        var environment = Environment(flushSeconds: 2);
        await using var edge = EdgeProcess.Start([], environment);
        var stopwatch = new Stopwatch();
        await Eventually.TrueAsync(() => !_server.RequestSizes.IsEmpty, "an upload was attempted", seconds: 60);
        stopwatch.Start();
        var exitCode = await edge.StopAsync(TimeSpan.FromSeconds(20));
        stopwatch.Stop();
        Assert.Equal(0, exitCode);

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"shutdown took {stopwatch.Elapsed}");
        Assert.Empty(_server.Accepted);
        using var spool = SampleSpool.Open(environment["SPOOL_PATH"], TimeProvider.System);
        Assert.True(await spool.CountAsync(default) > 0);
    }

    [Fact]
    public async Task A_server_whose_clock_lags_leaves_every_reading_spooled_and_the_daemon_unhealthy()
    {
        // The server's clock is an hour behind: every reading lies beyond its 600 s allowance.
        _server.Respond = samples => Results.Problem(statusCode: 422, title: "Samples from the future", type: Uploading.IngestClient.ClockSkewProblem,
            extensions: new Dictionary<string, object?>
            {
                ["server_time"] = DateTimeOffset.UtcNow.AddHours(-1).ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                ["max_clock_skew_s"] = 600,
                ["errors"] = samples.Select((_, i) => new { index = i, field = "ts", reason = "too far in the future" }).Take(100).ToList(),
                ["error_count"] = samples.Count,
            });
        var environment = Environment();
        var healthPath = _directory.File("data/health.json");
        await using var edge = EdgeProcess.Start([], environment);
        await Eventually.TrueAsync(() => _server.RequestSizes.Count >= 2, "uploads were attempted", seconds: 60);
        await Eventually.TrueAsync(() => File.Exists(healthPath) && File.ReadAllText(healthPath).Contains("\"clock_skew_detected_at\": \"", StringComparison.Ordinal),
            "the health file reports the clock skew", seconds: 30);
        var (healthExit, healthOutput) = await RunToEndAsync(["health"], new() { ["SPOOL_PATH"] = environment["SPOOL_PATH"] });
        Assert.Equal(1, healthExit);
        Assert.Contains("ahead of its clock", healthOutput, StringComparison.Ordinal);
        using var report = JsonDocument.Parse(healthOutput);
        Assert.InRange(report.RootElement.GetProperty("clock_skew_s").GetDouble(), 3000, 4200);
        Assert.Equal(0, report.RootElement.GetProperty("quarantine_count").GetInt64());

        await edge.StopAsync(TimeSpan.FromSeconds(20));

        using var spool = SampleSpool.Open(environment["SPOOL_PATH"], TimeProvider.System);
        Assert.Equal(0, await spool.QuarantineCountAsync(default));
        Assert.True(await spool.CountAsync(default) >= _server.RequestSizes.Max());
    }

    [Theory]
    [InlineData("VPS_INGEST_URL", "http://127.0.0.1:1/v1/ingest", "VPS_INGEST_URL must be an https:// URL")]
    [InlineData("POLL_INTERVAL_S", "fast", "POLL_INTERVAL_S")]
    [InlineData("HW_P1_HOST", "", "exactly one meter source: HW_P1_HOST")]
    [InlineData("BATCH_SIZE", "0", "BATCH_SIZE must be between")]
    public async Task A_bad_setting_stops_the_daemon_with_a_message_naming_the_variable(string variable, string value, string message)
    {
        var environment = Environment();
        environment[variable] = value;

        var (exitCode, output) = await RunToEndAsync([], environment);

        Assert.Equal(2, exitCode);
        Assert.Contains(message, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_fails_without_a_health_file()
    {
        var (exitCode, output) = await RunToEndAsync(["health"], new() { ["HEALTH_PATH"] = _directory.File("missing/health.json") });

        Assert.Equal(1, exitCode);
        Assert.Contains("unhealthy", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Quarantine_list_and_requeue_run_from_the_command_line()
    {
        var spoolPath = _directory.File("quarantine.db");
        using (var spool = SampleSpool.Open(spoolPath, TimeProvider.System))
        {
            await spool.QuarantineAsync("rejected by the server: HTTP 422", SampleSpool.Serialize(TestSamples.SampleAt(4)), default);
        }

        var environment = new Dictionary<string, string> { ["SPOOL_PATH"] = spoolPath };
        var (listExit, listOutput) = await RunToEndAsync(["quarantine", "list", "--json"], environment);
        var (requeueExit, requeueOutput) = await RunToEndAsync(["quarantine", "requeue", "--all"], environment);

        Assert.Equal(0, listExit);
        using (var document = JsonDocument.Parse(listOutput))
        {
            Assert.Equal(1, document.RootElement.GetProperty("total").GetInt64());
        }

        Assert.Equal(0, requeueExit);
        Assert.Contains("Requeued 1 samples", requeueOutput, StringComparison.Ordinal);
        using var reopened = SampleSpool.Open(spoolPath, TimeProvider.System);
        Assert.Equal((1L, 0L), (await reopened.CountAsync(default), await reopened.QuarantineCountAsync(default)));
    }

    [Fact]
    public async Task Backfill_spools_every_row_of_a_history_csv()
    {
        var csv = _directory.File("history.csv");
        TestSamples.WriteHistoryCsv(csv, rows: 25_000);
        var spoolPath = _directory.File("backfill.db");

        var (exitCode, output) = await RunToEndAsync(["backfill", csv], new() { ["SPOOL_PATH"] = spoolPath });

        Assert.Equal(0, exitCode);
        Assert.Contains("Spooled 25000 samples", output, StringComparison.Ordinal);
        using var spool = SampleSpool.Open(spoolPath, TimeProvider.System);
        Assert.Equal(25_000, await spool.CountAsync(default));
        var first = SampleSpool.Deserialize((await spool.PeekAsync(1, default))[0].Payload, "x");
        Assert.Equal(TestSamples.T0, first.Ts);
        Assert.Equal(100, first.PowerW);
        Assert.Equal(2500, first.MonthlyPowerPeakW);
        Assert.Null(first.GasM3);
    }
}
