namespace P1Telemetry.Server.Alerts;

public static class AlertHttp
{
    public const string ClientName = "alerts";

    /// <summary>A receiver that does not answer within this is tried again later.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
}
