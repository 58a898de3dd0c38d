using System.Text.Json.Serialization;

namespace P1Telemetry.Server.Alerts;

/// <summary>A Home Assistant MQTT discovery config (the documented long key names).</summary>
public sealed record DiscoveryConfig
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("unique_id")]
    public required string UniqueId { get; init; }

    [JsonPropertyName("object_id")]
    public required string ObjectId { get; init; }

    [JsonPropertyName("state_topic")]
    public required string StateTopic { get; init; }

    [JsonPropertyName("value_template")]
    public required string ValueTemplate { get; init; }

    [JsonPropertyName("device_class")]
    public string? DeviceClass { get; init; }

    [JsonPropertyName("unit_of_measurement")]
    public string? UnitOfMeasurement { get; init; }

    [JsonPropertyName("state_class")]
    public string? StateClass { get; init; }

    [JsonPropertyName("payload_on")]
    public string? PayloadOn { get; init; }

    [JsonPropertyName("payload_off")]
    public string? PayloadOff { get; init; }

    [JsonPropertyName("availability_topic")]
    public required string AvailabilityTopic { get; init; }

    [JsonPropertyName("payload_available")]
    public string PayloadAvailable { get; init; } = "online";

    [JsonPropertyName("payload_not_available")]
    public string PayloadNotAvailable { get; init; } = "offline";

    [JsonPropertyName("device")]
    public required DiscoveryDevice Device { get; init; }
}

public sealed record DiscoveryDevice(
    [property: JsonPropertyName("identifiers")] IReadOnlyList<string> Identifiers,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("manufacturer")] string Manufacturer,
    [property: JsonPropertyName("model")] string Model);

/// <summary>The sensors a device appears with in Home Assistant, without any YAML.</summary>
public static class HomeAssistantDiscovery
{
    private static readonly (string Object, string Name, string Field, string? DeviceClass, string Unit, string? StateClass)[] Sensors =
    [
        ("power", "Power", "power_w", "power", "W", "measurement"),
        ("quarter_average", "Quarter average", "quarter_average_w", "power", "W", "measurement"),
        ("projection", "Quarter projection", "projected_w", "power", "W", "measurement"),
        ("remaining_power", "Remaining power", "remaining_w", "power", "W", "measurement"),
        ("month_peak", "Month peak", "month_peak_w", "power", "W", "measurement"),
        ("rolling_average", "Rolling 12-month average", "rolling_average_w", "power", "W", "measurement"),
        // Home Assistant accepts a monetary sensor with state_class total or none; the month's cost is a level, not a sum.
        ("month_cost", "Month capacity cost", "month_cost_eur", "monetary", "EUR", null),
    ];

    public static IEnumerable<(string Topic, DiscoveryConfig Config)> Configs(string prefix, string deviceId, string deviceName)
    {
        var node = MqttTopics.NodeId(deviceId);
        var device = new DiscoveryDevice([node], deviceName, "P1 Telemetry", "Capacity tariff meter");
        var state = MqttTopics.State(deviceId);
        foreach (var sensor in Sensors)
        {
            yield return (MqttTopics.Discovery(prefix, "sensor", deviceId, sensor.Object), new DiscoveryConfig
            {
                Name = sensor.Name,
                UniqueId = $"{node}_{sensor.Object}",
                ObjectId = $"{node}_{sensor.Object}",
                StateTopic = state,
                ValueTemplate = $"{{{{ value_json.{sensor.Field} }}}}",
                DeviceClass = sensor.DeviceClass,
                UnitOfMeasurement = sensor.Unit,
                StateClass = sensor.StateClass,
                AvailabilityTopic = MqttTopics.Availability,
                Device = device,
            });
        }

        yield return (MqttTopics.Discovery(prefix, "binary_sensor", deviceId, "peak_at_risk"), new DiscoveryConfig
        {
            Name = "Peak at risk",
            UniqueId = $"{node}_peak_at_risk",
            ObjectId = $"{node}_peak_at_risk",
            StateTopic = state,
            ValueTemplate = "{{ 'ON' if value_json.peak_at_risk else 'OFF' }}",
            DeviceClass = "problem",
            PayloadOn = "ON",
            PayloadOff = "OFF",
            AvailabilityTopic = MqttTopics.Availability,
            Device = device,
        });
    }
}
