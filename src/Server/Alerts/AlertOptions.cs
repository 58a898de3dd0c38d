using System.ComponentModel.DataAnnotations;

namespace P1Telemetry.Server.Alerts;

/// <summary>Server-wide alert defaults and channels; each device may override them in its settings.</summary>
public sealed class AlertOptions
{
    [ConfigurationKeyName("ALERTS_ENABLED")]
    public bool Enabled { get; set; } = true;

    [ConfigurationKeyName("ALERT_RISK_PCT")]
    [Range(1, 100, ErrorMessage = "ALERT_RISK_PCT must be between 1 and 100.")]
    public int RiskPct { get; set; } = 90;

    [ConfigurationKeyName("ALERT_NO_DATA_MIN")]
    [Range(1, 10_080, ErrorMessage = "ALERT_NO_DATA_MIN must be between 1 and 10080.")]
    public int NoDataMin { get; set; } = 10;

    /// <summary>At most one alert of a kind per device within this many minutes (15: one per quarter).</summary>
    [ConfigurationKeyName("ALERT_COOLDOWN_MIN")]
    [Range(15, 10_080, ErrorMessage = "ALERT_COOLDOWN_MIN must be between 15 and 10080.")]
    public int CooldownMin { get; set; } = 15;

    [ConfigurationKeyName("NTFY_URL")]
    public string? NtfyUrl { get; set; }

    [ConfigurationKeyName("NTFY_TOKEN")]
    public string? NtfyToken { get; set; }

    [ConfigurationKeyName("WEBHOOK_URL")]
    public string? WebhookUrl { get; set; }

    [ConfigurationKeyName("WEBHOOK_SECRET")]
    public string? WebhookSecret { get; set; }

    [ConfigurationKeyName("MQTT_URL")]
    public string? MqttUrl { get; set; }

    [ConfigurationKeyName("MQTT_DISCOVERY_PREFIX")]
    public string DiscoveryPrefix { get; set; } = "homeassistant";
}
