namespace P1Telemetry.Server.Alerts;

/// <summary>The kinds of alert, as they appear in messages, webhooks and MQTT events.</summary>
public static class AlertKinds
{
    public const string PeakAtRisk = "peak_at_risk";

    public const string PeakCertain = "peak_certain";

    public const string NewMonthlyPeak = "new_monthly_peak";

    public const string NoData = "no_data";

    public const string BelgianFieldsMissing = "belgian_fields_missing";

    /// <summary>Kinds that are only worth sending within their quarter.</summary>
    public static bool ExpiresWithQuarter(string kind) => kind is PeakAtRisk or PeakCertain;
}

/// <summary>The delivery channels.</summary>
public static class AlertChannels
{
    public const string Ntfy = "ntfy";

    public const string Webhook = "webhook";

    public const string Mqtt = "mqtt";
}
