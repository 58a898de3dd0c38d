namespace P1Telemetry.Server.Alerts;

/// <summary>Alert events on <c>p1telemetry/&lt;device_id&gt;/event</c>: the webhook's JSON.</summary>
public sealed class MqttSender(MqttBridge bridge) : IAlertSender
{
    public string Channel => AlertChannels.Mqtt;

    public Task SendAsync(StoredAlert alert, AlertPayload payload, DeviceAlertSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return bridge.PublishEventAsync(alert.DeviceId, alert.Payload, cancellationToken);
    }
}
