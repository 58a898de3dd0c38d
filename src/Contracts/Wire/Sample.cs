using System.Text.Json.Serialization;

namespace P1Telemetry.Contracts.Wire;

/// <summary>One meter reading as it travels from the edge to the server (and, extended, as realtime answers it).</summary>
public record Sample
{
    [JsonPropertyName("device_id")]
    public required string DeviceId { get; init; }

    /// <summary>The meter's own timestamp converted to UTC, or the edge clock when the meter has none.</summary>
    [JsonPropertyName("ts")]
    public required DateTimeOffset Ts { get; init; }

    /// <summary>Net power in W, negative while exporting.</summary>
    [JsonPropertyName("power_w")]
    public required int PowerW { get; init; }

    /// <summary><c>max(power_w, 0)</c>: the offtake that the capacity tariff bills.</summary>
    [JsonPropertyName("import_power_w")]
    public required int ImportPowerW { get; init; }

    [JsonPropertyName("energy_import_kwh")]
    public required double EnergyImportKwh { get; init; }

    [JsonPropertyName("energy_export_kwh")]
    public required double EnergyExportKwh { get; init; }

    [JsonPropertyName("average_power_15m_w")]
    public int? AveragePower15mW { get; init; }

    [JsonPropertyName("monthly_power_peak_w")]
    public int? MonthlyPowerPeakW { get; init; }

    [JsonPropertyName("monthly_power_peak_ts")]
    public DateTimeOffset? MonthlyPowerPeakTs { get; init; }

    [JsonPropertyName("power_l1_w")]
    public int? PowerL1W { get; init; }

    [JsonPropertyName("power_l2_w")]
    public int? PowerL2W { get; init; }

    [JsonPropertyName("power_l3_w")]
    public int? PowerL3W { get; init; }

    [JsonPropertyName("gas_m3")]
    public double? GasM3 { get; init; }

    [JsonPropertyName("gas_ts")]
    public DateTimeOffset? GasTs { get; init; }
}
