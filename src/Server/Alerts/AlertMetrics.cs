using System.Diagnostics.Metrics;

namespace P1Telemetry.Server.Alerts;

/// <summary>Alert deliveries on the server's meter: per channel, kind and outcome (delivered, retried, dropped).</summary>
public sealed class AlertMetrics
{
    public const string MeterName = "P1Telemetry.Server";

    private readonly Counter<long> _deliveries;

    public AlertMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _deliveries = meter.CreateCounter<long>("p1.alert.deliveries", unit: "{delivery}", description: "Alert delivery attempts by outcome");
    }

    public void Delivery(string channel, string kind, string outcome) =>
        _deliveries.Add(1, new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("kind", kind),
            new KeyValuePair<string, object?>("outcome", outcome));
}
