using System.Text.Json;

namespace P1Telemetry.Server.Alerts;

/// <summary>
/// Claims due deliveries from the outbox and sends them; a failure is retried with exponential backoff, and an
/// alert that expires with its quarter is dropped rather than sent late.
/// </summary>
public sealed class AlertDeliveryService(
    AlertOutbox outbox,
    AlertSignals signals,
    AlertSettingsResolver resolver,
    IEnumerable<IAlertSender> senders,
    AlertMetrics metrics,
    TimeProvider timeProvider,
    ILogger<AlertDeliveryService> logger) : BackgroundService
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>After this many attempts a delivery is given up (with the backoff's cap, about four hours).</summary>
    public const int MaxAttempts = 30;

    private readonly Dictionary<string, IAlertSender> _senders = senders.ToDictionary(s => s.Channel, StringComparer.Ordinal);

    public static TimeSpan Backoff(int attempt) =>
        TimeSpan.FromSeconds(Math.Min(Math.Pow(2, Math.Min(attempt, 20)), 600));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await signals.WaitForDeliveriesAsync(PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                await DeliverDueAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                AlertLog.OutboxFailed(logger, ex);
            }
        }
    }

    /// <summary>One pass over the due deliveries.</summary>
    public async Task DeliverDueAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var claimed = await outbox.ClaimDueAsync(timeProvider.GetUtcNow(), 20, cancellationToken);
            if (claimed.Count == 0)
            {
                return;
            }

            await Task.WhenAll(claimed.Select(delivery => DeliverAsync(delivery, cancellationToken)));
        }
    }

    private async Task DeliverAsync(ClaimedDelivery delivery, CancellationToken cancellationToken)
    {
        var alert = delivery.Alert;
        string? error = null;
        if (alert.ExpiresAt is { } expires && timeProvider.GetUtcNow() >= expires)
        {
            error = "expired before it could be delivered";
        }
        else if (!_senders.TryGetValue(delivery.Channel, out var sender))
        {
            error = "unknown channel";
        }
        else
        {
            try
            {
                var payload = JsonSerializer.Deserialize(alert.Payload, AlertsJsonContext.Default.AlertPayload)!;
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(AlertHttp.Timeout);
                await sender.SendAsync(alert, payload, resolver.For(alert.DeviceId), timeout.Token);
                var now = timeProvider.GetUtcNow();
                await outbox.MarkDeliveredAsync(alert.Id, delivery.Channel, now, CancellationToken.None);
                metrics.Delivery(delivery.Channel, alert.Kind, "delivered");
                AlertLog.Delivered(logger, alert.Kind, alert.DeviceId, delivery.Channel, delivery.Attempt);
                return;
            }
            catch (Exception ex) when (ex is AlertDeliveryException or HttpRequestException or OperationCanceledException or IOException
                or MQTTnet.Exceptions.MqttCommunicationException)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    // Shutting down: the claim's lease runs out and another attempt follows.
                    return;
                }

                error = Describe(ex);
            }
        }

        var at = timeProvider.GetUtcNow() + Backoff(delivery.Attempt);
        var retry = error is not ("expired before it could be delivered" or "unknown channel")
            && delivery.Attempt < MaxAttempts && (alert.ExpiresAt is not { } end || at < end);
        await outbox.MarkFailedAsync(alert.Id, delivery.Channel, error, retry ? at : null, CancellationToken.None);
        metrics.Delivery(delivery.Channel, alert.Kind, retry ? "retried" : "dropped");
        AlertLog.DeliveryFailed(logger, alert.Kind, alert.DeviceId, delivery.Channel, delivery.Attempt, error,
            retry ? $"next attempt at {at:o}" : "dropped");
    }

    /// <summary>What the device's alert list and health may show: the kind of failure, never a URL or secret.</summary>
    private static string Describe(Exception exception) => exception switch
    {
        AlertDeliveryException delivery => delivery.Message,
        HttpRequestException { StatusCode: { } status } => $"HTTP {(int)status}",
        HttpRequestException http => $"the receiver could not be reached ({http.HttpRequestError})",
        OperationCanceledException => $"the receiver did not answer within {AlertHttp.Timeout.TotalSeconds:0} s",
        _ => "the broker connection failed",
    };
}
