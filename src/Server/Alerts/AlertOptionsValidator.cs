using Microsoft.Extensions.Options;

namespace P1Telemetry.Server.Alerts;

/// <summary>Refuses to start with a channel that could never deliver, naming the variable.</summary>
public sealed class AlertOptionsValidator : IValidateOptions<AlertOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        Check(failures, "NTFY_URL", ChannelUrls.CheckHttp(options.NtfyUrl));
        Check(failures, "NTFY_TOKEN", ChannelUrls.CheckSecret(options.NtfyToken, "a token"));
        Check(failures, "WEBHOOK_URL", ChannelUrls.CheckHttp(options.WebhookUrl));
        Check(failures, "WEBHOOK_SECRET", ChannelUrls.CheckSecret(options.WebhookSecret, "a secret"));
        if (!string.IsNullOrWhiteSpace(options.WebhookUrl) && string.IsNullOrEmpty(options.WebhookSecret))
        {
            failures.Add("WEBHOOK_SECRET must be set with WEBHOOK_URL: every webhook is signed.");
        }

        if (!string.IsNullOrWhiteSpace(options.MqttUrl) && !MqttUrl.TryParse(options.MqttUrl, out _, out var mqttError))
        {
            failures.Add($"MQTT_URL {mqttError}");
        }

        if (!MqttTopics.IsValidPrefix(options.DiscoveryPrefix))
        {
            failures.Add("MQTT_DISCOVERY_PREFIX must be a non-empty MQTT topic without wildcards (+, #), e.g. homeassistant.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(List<string> failures, string variable, string? error)
    {
        if (error is not null)
        {
            failures.Add($"{variable} {error}");
        }
    }
}
