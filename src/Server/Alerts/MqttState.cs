using System.Text.Json.Serialization;

namespace P1Telemetry.Server.Alerts;

/// <summary>
/// The retained JSON state on <c>p1telemetry/&lt;device_id&gt;/state</c>, which the discovery configs' templates
/// read; every field is present, null when unknown (Home Assistant then shows the sensor as unknown).
/// </summary>
public sealed record MqttState
{
    [JsonPropertyName("ts")]
    public required DateTimeOffset Ts { get; init; }

    /// <summary>Net power: import positive, export negative.</summary>
    [JsonPropertyName("power_w")]
    public required double PowerW { get; init; }

    [JsonPropertyName("quarter_average_w")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public double? QuarterAverageW { get; init; }

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

    [JsonPropertyName("rolling_average_w")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public double? RollingAverageW { get; init; }

    /// <summary>The running month's capacity cost so far (rolling average × tariff / 12, VAT included); null without a tariff.</summary>
    [JsonPropertyName("month_cost_eur")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public decimal? MonthCostEur { get; init; }

    /// <summary><c>fine</c>, <c>at_risk</c> or <c>new_peak_certain</c>.</summary>
    [JsonPropertyName("quarter_state")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? QuarterState { get; init; }

    [JsonPropertyName("peak_at_risk")]
    public bool PeakAtRisk { get; init; }
}
