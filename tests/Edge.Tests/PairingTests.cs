using P1Telemetry.Edge.Commands;
using P1Telemetry.Edge.Tests.Infrastructure;
using P1Telemetry.MeterSimulator;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.Edge.Tests;

/// <summary>The <c>pair</c> flow against the simulator's pairing button.</summary>
public sealed class PairingTests : IAsyncLifetime
{
    private SimulatorHost _sim = null!;

    public async Task InitializeAsync() => _sim = await Simulator.StartAsync();

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    [Fact]
    public async Task Pairing_retries_until_the_button_is_pressed_and_prints_a_working_token()
    {
        var output = new SynchronizedWriter();
        var error = new StringWriter();
        var pair = new PairCommand(output, error, TimeProvider.System) { Window = TimeSpan.FromSeconds(20), RetryInterval = TimeSpan.FromMilliseconds(100) };

        var run = pair.RunAsync(Simulator.HostAndPort(_sim.V2BaseUri), "edge-test", [_sim.CaCertificate], default);
        await Eventually.TrueAsync(() => output.ToString().Contains("..", StringComparison.Ordinal), "two attempts were refused (button not pressed)");
        Assert.False(run.IsCompleted);
        _sim.PressButton();
        var exitCode = await run.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(0, exitCode);
        var line = Assert.Single(output.ToString().Split('\n'), l => l.StartsWith("HW_P1_TOKEN=", StringComparison.Ordinal));
        var token = line["HW_P1_TOKEN=".Length..].Trim();
        Assert.Matches("^[A-F0-9]{32}$", token);
        using var http = Simulator.Client(_sim.V2BaseUri.ToString(), token, [_sim.CaCertificate]);
        Assert.NotNull(await http.ReadAsync(default));
    }

    [Fact]
    public async Task Pairing_gives_up_when_the_window_passes_without_a_press()
    {
        var output = new SynchronizedWriter();
        var error = new StringWriter();
        var pair = new PairCommand(output, error, TimeProvider.System) { Window = TimeSpan.FromSeconds(1), RetryInterval = TimeSpan.FromMilliseconds(200) };

        var exitCode = await pair.RunAsync(_sim.V2BaseUri.ToString(), "edge-test", [_sim.CaCertificate], default);

        Assert.Equal(1, exitCode);
        Assert.Contains("the button was not pressed", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("HW_P1_TOKEN=", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pairing_refuses_a_dongle_certificate_from_another_ca()
    {
        using var otherCa = TestCertificates.Create(commonName: "Not HomeWizard");
        _sim.PressButton();
        var error = new StringWriter();

        var exitCode = await new PairCommand(new StringWriter(), error, TimeProvider.System).RunAsync(_sim.V2BaseUri.ToString(), "x", [otherCa.CaCertificate], default);

        Assert.Equal(1, exitCode);
        Assert.Contains("TLS refused", error.ToString(), StringComparison.Ordinal);
    }

    /// <summary>A StringWriter safe to read while the command writes.</summary>
    private sealed class SynchronizedWriter : StringWriter
    {
        private readonly Lock _lock = new();

        public override void Write(char value)
        {
            lock (_lock)
            {
                base.Write(value);
            }
        }

        public override void Write(string? value)
        {
            lock (_lock)
            {
                base.Write(value);
            }
        }

        public override string ToString()
        {
            lock (_lock)
            {
                return base.ToString();
            }
        }
    }
}
