using System.Text.Json.Serialization;

namespace P1Telemetry.Server.Alerts;

/// <summary>
/// What an alert says, stored with it in the outbox and sent as the webhook's body and the MQTT event. The
/// quarter's figures are those the live quarter showed when the alert was raised; the webhook's fields are
/// always present (null when unknown, e.g. no month peak yet), the others only where they apply.
/// </summary>
public sealed record AlertPayload
{
    [JsonPropertyName("event")]
    public required string Event { get; init; }

    [JsonPropertyName("device_id")]
    public required string DeviceId { get; init; }

    [JsonPropertyName("quarter_start")]
    public required DateTimeOffset QuarterStart { get; init; }

    [JsonPropertyName("average_so_far_w")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public double? AverageSoFarW { get; init; }

    [JsonPropertyName("projected_w")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public double? ProjectedW { get; init; }

    [JsonPropertyName("target_w")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public double? TargetW { get; init; }

    [JsonPropertyName("remaining_w")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public double? RemainingW { get; init; }

    [JsonPropertyName("month_peak_w")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public double? MonthPeakW { get; init; }

    [JsonPropertyName("at")]
    public required DateTimeOffset At { get; init; }

    [JsonPropertyName("seconds_left")]
    public double? SecondsLeft { get; init; }

    /// <summary>new_monthly_peak: the quarter's value, which is the month's new peak.</summary>
    [JsonPropertyName("peak_w")]
    public double? PeakW { get; init; }

    /// <summary>new_monthly_peak: the month's billed peak before (at least 2500 W).</summary>
    [JsonPropertyName("previous_billed_peak_w")]
    public double? PreviousBilledPeakW { get; init; }

    /// <summary>new_monthly_peak: how much the rolling 12-month average rises.</summary>
    [JsonPropertyName("rolling_average_change_w")]
    public double? RollingAverageChangeW { get; init; }

    /// <summary>new_monthly_peak: the change of the year's capacity cost (rolling average change × tariff, VAT included).</summary>
    [JsonPropertyName("year_cost_change_eur")]
    public decimal? YearCostChangeEur { get; init; }

    /// <summary>no_data: the last reading's timestamp.</summary>
    [JsonPropertyName("last_reading_at")]
    public DateTimeOffset? LastReadingAt { get; init; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AlertPayload))]
[JsonSerializable(typeof(AlertListResponse))]
[JsonSerializable(typeof(MqttState))]
[JsonSerializable(typeof(DiscoveryConfig))]
internal sealed partial class AlertsJsonContext : JsonSerializerContext;
