namespace P1Telemetry.MeterSimulator.Meter;

/// <summary>Net power per phase in W; negative while the phase exports.</summary>
public readonly record struct PhasePower(int L1, int L2, int L3)
{
    public int Total => L1 + L2 + L3;
}
