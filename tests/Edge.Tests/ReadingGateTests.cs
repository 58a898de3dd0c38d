using P1Telemetry.Contracts.Wire;
using P1Telemetry.Edge.Normalization;

namespace P1Telemetry.Edge.Tests;

public sealed class ReadingGateTests
{
    private static readonly DateTimeOffset _t0 = new(2026, 6, 1, 10, 0, 0, TimeSpan.Zero);

    private static Sample At(int seconds, double importKwh) => new()
    {
        DeviceId = "m",
        Ts = _t0.AddSeconds(seconds),
        PowerW = 500,
        ImportPowerW = 500,
        EnergyImportKwh = importKwh,
        EnergyExportKwh = 0,
    };

    [Fact]
    public void Readings_with_the_same_meter_timestamp_become_one_sample()
    {
        var gate = new ReadingGate(60000);

        Assert.Equal(GateVerdict.Accept, gate.Admit(At(0, 100)).Verdict);
        Assert.Equal(GateVerdict.Duplicate, gate.Admit(At(0, 100)).Verdict);
        Assert.Equal(GateVerdict.Accept, gate.Admit(At(1, 100.001)).Verdict);
    }

    [Fact]
    public void An_import_register_stepping_back_is_quarantined_with_the_reason()
    {
        var gate = new ReadingGate(60000);
        gate.Admit(At(0, 100));

        var decision = gate.Admit(At(1, 97));

        Assert.Equal(GateVerdict.Quarantine, decision.Verdict);
        Assert.Contains("stepped back from 100 to 97", decision.Reason, StringComparison.Ordinal);
        // The glitch does not become the reference: the next true reading passes.
        Assert.Equal(GateVerdict.Accept, gate.Admit(At(2, 100.002)).Verdict);
    }

    [Fact]
    public void A_jump_beyond_max_power_times_elapsed_is_quarantined()
    {
        var gate = new ReadingGate(60000); // 60 kW: at most 0.0167 kWh per second
        gate.Admit(At(0, 100));

        var spike = gate.Admit(At(1, 150));
        var plausible = gate.Admit(At(10, 100.15)); // 54 kW over 10 s

        Assert.Equal(GateVerdict.Quarantine, spike.Verdict);
        Assert.Contains("MAX_POWER_W", spike.Reason, StringComparison.Ordinal);
        Assert.Equal(GateVerdict.Accept, plausible.Verdict);
    }

    [Fact]
    public void A_long_gap_allows_a_proportionally_larger_step()
    {
        var gate = new ReadingGate(10000);
        gate.Admit(At(0, 100));

        Assert.Equal(GateVerdict.Accept, gate.Admit(At(3600, 109.9)).Verdict); // 9.9 kWh in an hour under 10 kW
        Assert.Equal(GateVerdict.Quarantine, gate.Admit(At(3601, 130)).Verdict);
    }

    [Fact]
    public void A_permanent_step_becomes_the_new_reference_after_thirty_refusals()
    {
        var gate = new ReadingGate(60000);
        gate.Admit(At(0, 5000));
        for (var i = 1; i < 30; i++)
        {
            Assert.Equal(GateVerdict.Quarantine, gate.Admit(At(i, 10 + i * 0.001)).Verdict);
        }

        Assert.Equal(GateVerdict.Accept, gate.Admit(At(30, 10.03)).Verdict);
        Assert.Equal(GateVerdict.Accept, gate.Admit(At(31, 10.031)).Verdict);
    }
}
