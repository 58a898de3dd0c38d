using Microsoft.Extensions.Logging;
using P1Telemetry.Edge.Configuration;
using P1Telemetry.Edge.Meter;
using P1Telemetry.Edge.Tests.Infrastructure;
using P1Telemetry.MeterSimulator;

namespace P1Telemetry.Edge.Tests;

/// <summary>
/// <c>HW_API_VERSION=auto</c> against the simulator's plain-HTTP (v1) port, which refuses TLS like a dongle
/// that only speaks v1: with a token the edge never falls back to plain HTTP; without one it re-probes
/// after the connection was lost.
/// </summary>
public sealed class MeterVersionTests : IAsyncLifetime
{
    private SimulatorHost _sim = null!;
    private string _token = null!;

    public async Task InitializeAsync()
    {
        _sim = await Simulator.StartAsync();
        _token = _sim.CreatePairedToken("local/version-tests");
    }

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    private MeterClient Client(string? token, ILogger<MeterClient> logger) =>
        new(MeterAddress.TryParse(Simulator.HostAndPort(_sim.V1BaseUri), out var address) ? address : throw new InvalidOperationException(),
            token, MeterApiVersion.Auto, TimeSpan.FromSeconds(5), [_sim.CaCertificate], TimeProvider.System, logger);

    [Fact]
    public async Task With_a_token_a_failed_v2_probe_is_an_error_retried_as_v2_never_plain_http()
    {
        var log = new ListLogger<MeterClient>();
        using var client = Client(_token, log);

        for (var i = 0; i < 3; i++)
        {
            Assert.Null(await client.ReadAsync(default));
            Assert.Null(client.Version);
            Assert.Contains("https://", client.LastError, StringComparison.Ordinal);
            Assert.Contains("HW_P1_TOKEN is set", client.LastError, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(log.Entries, e => e.Message.Contains("speaks API", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_a_token_v1_is_used_and_probed_again_after_the_connection_was_lost()
    {
        var log = new ListLogger<MeterClient>();
        using var client = Client(null, log);

        Assert.NotNull(await client.ReadAsync(default));
        Assert.Equal(MeterApiVersion.V1, client.Version);
        _sim.SetFaults(new SimulatorFaults { DropRate = 1 });
        Assert.Null(await client.ReadAsync(default));
        Assert.Null(client.Version); // the next read probes v2 again
        _sim.SetFaults(new SimulatorFaults());
        Assert.NotNull(await client.ReadAsync(default));

        var detections = log.Entries.Where(e => e.Message.Contains("speaks API v1", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, detections.Count);
        Assert.All(detections, d => Assert.Contains("HW_P1_TOKEN is empty and the HTTPS probe failed", d.Message, StringComparison.Ordinal));
    }
}
