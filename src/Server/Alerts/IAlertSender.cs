namespace P1Telemetry.Server.Alerts;

/// <summary>One delivery channel. A send that throws is retried later.</summary>
public interface IAlertSender
{
    string Channel { get; }

    Task SendAsync(StoredAlert alert, AlertPayload payload, DeviceAlertSettings settings, CancellationToken cancellationToken);
}

/// <summary>The receiver refused or failed the delivery; the message is safe to show (no secrets, no body).</summary>
public sealed class AlertDeliveryException(string message) : Exception(message);
