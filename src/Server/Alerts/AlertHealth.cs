using System.Text.Json.Serialization;

namespace P1Telemetry.Server.Alerts;

/// <summary>The alerts' part of <c>/health</c>: failing and dropped deliveries of the last day per channel, and the MQTT connection.</summary>
public sealed class AlertHealth(AlertOutbox outbox, MqttBridge mqtt, TimeProvider timeProvider)
{
    public static readonly TimeSpan Window = TimeSpan.FromDays(1);

    public async Task<AlertsStatus> CheckAsync(CancellationToken cancellationToken)
    {
        var problems = await outbox.ProblemsAsync(timeProvider.GetUtcNow() - Window, cancellationToken);
        var channels = problems.Select(p => new ChannelStatus(p.Channel, p.Failing, p.Dropped)).ToList();
        var mqttState = mqtt.Enabled ? (mqtt.IsConnected ? "connected" : "disconnected") : null;
        var ok = channels.All(c => c.Failing == 0 && c.Dropped == 0) && mqttState is null or "connected";
        return new AlertsStatus(ok ? "ok" : "failing", mqttState, channels);
    }
}

/// <summary><c>ok</c>, or <c>failing</c> when a delivery is being retried or was dropped within the last day, or the broker is away.</summary>
public sealed record AlertsStatus(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("mqtt")] string? Mqtt,
    [property: JsonPropertyName("channels")] IReadOnlyList<ChannelStatus> Channels);

public sealed record ChannelStatus(
    [property: JsonPropertyName("channel")] string Channel,
    [property: JsonPropertyName("failing")] int Failing,
    [property: JsonPropertyName("dropped_24h")] int Dropped);
