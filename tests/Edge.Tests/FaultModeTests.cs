using Microsoft.Extensions.Logging.Abstractions;
using P1Telemetry.Edge.Configuration;
using P1Telemetry.Edge.Health;
using P1Telemetry.Edge.Meter;
using P1Telemetry.Edge.Normalization;
using P1Telemetry.Edge.Polling;
using P1Telemetry.Edge.Spooling;
using P1Telemetry.Edge.Tests.Infrastructure;
using P1Telemetry.MeterSimulator;

namespace P1Telemetry.Edge.Tests;

/// <summary>Every fault mode of the simulator: the edge gets "no reading" (or a quarantine), never a crash.</summary>
public sealed class FaultModeTests : IAsyncLifetime
{
    private static readonly TimeZoneInfo _brussels = TimeZoneInfo.FindSystemTimeZoneById("Europe/Brussels");
    private readonly TestDirectory _directory = new();
    private SimulatorHost _sim = null!;
    private string _token = null!;

    public async Task InitializeAsync()
    {
        _sim = await Simulator.StartAsync(new SimulatorOptions { Speed = 10 });
        _token = _sim.CreatePairedToken("local/faults");
    }

    public async Task DisposeAsync()
    {
        await _sim.DisposeAsync();
        _directory.Dispose();
    }

    private MeterClient V2(double timeoutSeconds = 5) =>
        Simulator.Client(_sim.V2BaseUri.ToString(), _token, [_sim.CaCertificate], timeoutSeconds: timeoutSeconds);

    private async Task<MeterClient> DetectedV2Async(double timeoutSeconds = 5)
    {
        var client = V2(timeoutSeconds);
        Assert.NotNull(await client.ReadAsync(default));
        return client;
    }

    [Fact]
    public async Task Latency_beyond_the_timeout_is_no_reading_and_the_client_recovers()
    {
        using var client = await DetectedV2Async(timeoutSeconds: 2);
        _sim.SetFaults(new SimulatorFaults { LatencyMs = 6000 });

        Assert.Null(await client.ReadAsync(default));
        Assert.Contains("no answer", client.LastError, StringComparison.Ordinal);

        _sim.SetFaults(new SimulatorFaults { LatencyMs = 100 });
        Assert.NotNull(await client.ReadAsync(default));
    }

    [Fact]
    public async Task Server_errors_are_no_reading_with_the_status()
    {
        using var client = await DetectedV2Async();
        _sim.SetFaults(new SimulatorFaults { ErrorRate = 1 });

        Assert.Null(await client.ReadAsync(default));
        Assert.Contains("HTTP 500", client.LastError, StringComparison.Ordinal);

        _sim.SetFaults(new SimulatorFaults());
        Assert.NotNull(await client.ReadAsync(default));
    }

    [Fact]
    public async Task Dropped_connections_are_no_reading()
    {
        using var client = await DetectedV2Async();
        _sim.SetFaults(new SimulatorFaults { DropRate = 1 });

        Assert.Null(await client.ReadAsync(default));
        Assert.NotNull(client.LastError);

        _sim.SetFaults(new SimulatorFaults());
        Assert.NotNull(await client.ReadAsync(default));
    }

    [Fact]
    public async Task A_hung_response_ends_at_the_timeout()
    {
        using var client = await DetectedV2Async(timeoutSeconds: 2);
        _sim.SetFaults(new SimulatorFaults { Hang = true });

        var read = client.ReadAsync(default);

        Assert.Null(await read.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("no answer", client.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_disabled_local_api_is_no_reading_with_the_fix()
    {
        using var client = Simulator.Client(_sim.V1BaseUri.ToString());
        Assert.NotNull(await client.ReadAsync(default));
        _sim.SetFaults(new SimulatorFaults { ApiDisabled = true });

        Assert.Null(await client.ReadAsync(default));
        Assert.Contains("Local API", client.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_belgian_fields_the_sample_has_no_meter_peak_figures()
    {
        using var client = await DetectedV2Async();
        _sim.SetFaults(new SimulatorFaults { BelgianFields = false });
        await _sim.NextReadingAsync();

        var sample = SampleNormalizer.Normalize((await client.ReadAsync(default))!, _brussels);

        Assert.Null(sample.AveragePower15mW);
        Assert.Null(sample.MonthlyPowerPeakW);
        Assert.Null(sample.MonthlyPowerPeakTs);
    }

    [Theory]
    [InlineData(RegisterGlitch.Backwards, "stepped back")]
    [InlineData(RegisterGlitch.Spike, "MAX_POWER_W")]
    public async Task A_register_glitch_is_quarantined_and_readings_continue(RegisterGlitch glitch, string reason)
    {
        using var client = await DetectedV2Async();
        using var spool = SampleSpool.Open(_directory.File($"{glitch}.db"), TimeProvider.System);
        var pipeline = new ReadingPipeline(spool, new HealthMonitor(TimeProvider.System), new EdgeOptions(), NullLogger<ReadingPipeline>.Instance);
        var outcomes = new List<ReadingOutcome>();
        using var done = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => MeterWebSocket.RunAsync(client, TimeSpan.FromSeconds(10), TimeProvider.System,
            async (reading, ct) =>
            {
                outcomes.Add(await pipeline.ProcessAsync(reading, ct));
                if (outcomes.Count == 3)
                {
                    _sim.SetFaults(new SimulatorFaults { Glitch = glitch });
                }

                // Pushes may queue behind a busy test machine: stop three readings after the glitch.
                var glitchAt = outcomes.IndexOf(ReadingOutcome.Quarantined);
                if (glitchAt >= 0 && outcomes.Count == glitchAt + 4)
                {
                    await done.CancelAsync();
                }
            }, null, done.Token));

        Assert.Equal(1, outcomes.Count(o => o == ReadingOutcome.Quarantined));
        Assert.Equal(outcomes.Count - 1, outcomes.Count(o => o == ReadingOutcome.Spooled));
        Assert.Equal(ReadingOutcome.Spooled, outcomes[^1]);
        var quarantined = Assert.Single(await spool.ReadQuarantineAsync(10, default));
        Assert.Contains(reason, quarantined.Reason, StringComparison.Ordinal);
        Assert.Equal(outcomes.Count - 1, await spool.CountAsync(default));
    }
}
