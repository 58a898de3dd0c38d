using Microsoft.Extensions.Options;
using P1Telemetry.Server.Accounts;

namespace P1Telemetry.Server.Alerts;

/// <summary>A device's effective alert settings: its own values, else the environment's.</summary>
public sealed record DeviceAlertSettings(
    bool Enabled,
    int RiskPct,
    int NoDataMin,
    string? NtfyUrl,
    string? NtfyToken,
    string? WebhookUrl,
    string? WebhookSecret,
    bool Mqtt)
{
    /// <summary>The channels an alert of the device is delivered on.</summary>
    public IReadOnlyList<string> Channels()
    {
        var channels = new List<string>(3);
        if (NtfyUrl is not null)
        {
            channels.Add(AlertChannels.Ntfy);
        }

        if (WebhookUrl is not null && WebhookSecret is not null)
        {
            channels.Add(AlertChannels.Webhook);
        }

        if (Mqtt)
        {
            channels.Add(AlertChannels.Mqtt);
        }

        return channels;
    }
}

/// <summary>Resolves <see cref="DeviceAlertSettings"/> from the settings catalog and <see cref="AlertOptions"/>.</summary>
public sealed class AlertSettingsResolver(DeviceSettingsCatalog catalog, IOptions<AlertOptions> options)
{
    public DeviceAlertSettings For(string deviceId)
    {
        var defaults = options.Value;
        var own = catalog.Find(deviceId);
        // A device's own URL comes with its own credential: the server's token or secret is never sent to it.
        var (ntfyUrl, ntfyToken) = own?.NtfyUrl is { } url ? (url, own.NtfyToken) : (Blank(defaults.NtfyUrl), Blank(defaults.NtfyToken));
        var (webhookUrl, webhookSecret) = own?.WebhookUrl is { } hook ? (hook, own.WebhookSecret) : (Blank(defaults.WebhookUrl), Blank(defaults.WebhookSecret));
        return new DeviceAlertSettings(
            own?.AlertsEnabled ?? defaults.Enabled,
            own?.AlertRiskPct ?? defaults.RiskPct,
            own?.AlertNoDataMin ?? defaults.NoDataMin,
            ntfyUrl,
            ntfyToken,
            webhookUrl,
            webhookSecret,
            !string.IsNullOrWhiteSpace(defaults.MqttUrl));
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
