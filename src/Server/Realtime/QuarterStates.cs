namespace P1Telemetry.Server.Realtime;

/// <summary>The states of the quarter in progress, as the live figures name them.</summary>
public static class QuarterStates
{
    public const string Fine = "fine";

    public const string AtRisk = "at_risk";

    public const string NewPeakCertain = "new_peak_certain";

    /// <summary>A projection above this share of the target puts the quarter at risk.</summary>
    public const double AtRiskShare = 0.9;
}
