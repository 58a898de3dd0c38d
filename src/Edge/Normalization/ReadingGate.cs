using P1Telemetry.Contracts.Wire;

namespace P1Telemetry.Edge.Normalization;

public enum GateVerdict
{
    Accept,
    Duplicate,
    Quarantine,
}

public readonly record struct GateDecision(GateVerdict Verdict, string? Reason);

/// <summary>
/// Admits consecutive samples: one sample per meter timestamp, and none whose import register steps back or
/// jumps further than <c>MAX_POWER_W</c> could explain (a known dongle glitch). Not thread-safe: one reader
/// loop owns it. <paramref name="last"/> is the last sample spooled before a restart, so the first reading
/// after it is checked too.
/// </summary>
public sealed class ReadingGate(double maxPowerW, Sample? last = null)
{
    // The register shows 3 decimals; anything smaller is rounding.
    private const double _registerResolutionKwh = 0.0015;

    // A meter swap (or a register reset) is a permanent step; after this many refusals in a row the new
    // value becomes the reference instead of quarantining the meter forever.
    private const int _rebaseAfterRefusals = 30;

    private Sample? _last = last;
    private int _refusalsInARow;

    public Sample? Last => _last;

    public GateDecision Admit(Sample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        if (_last is null)
        {
            return Accept(sample);
        }

        if (sample.Ts == _last.Ts)
        {
            return new GateDecision(GateVerdict.Duplicate, null);
        }

        var step = sample.EnergyImportKwh - _last.EnergyImportKwh;
        var elapsed = (sample.Ts - _last.Ts).Duration();
        var maxStep = maxPowerW / 1000 * Math.Max(elapsed.TotalHours, 1.0 / 3600);
        string? reason = null;
        if (step < -_registerResolutionKwh)
        {
            reason = $"import register stepped back from {_last.EnergyImportKwh} to {sample.EnergyImportKwh} kWh";
        }
        else if (step > maxStep + _registerResolutionKwh)
        {
            reason = $"import register jumped {step:0.###} kWh in {elapsed.TotalSeconds:0.#} s, more than MAX_POWER_W = {maxPowerW} W can explain ({maxStep:0.###} kWh)";
        }

        if (reason is null || ++_refusalsInARow >= _rebaseAfterRefusals)
        {
            return Accept(sample);
        }

        return new GateDecision(GateVerdict.Quarantine, reason);
    }

    private GateDecision Accept(Sample sample)
    {
        _last = sample;
        _refusalsInARow = 0;
        return new GateDecision(GateVerdict.Accept, null);
    }
}
