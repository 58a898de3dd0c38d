using System.Text.Json.Serialization;

namespace P1Telemetry.MeterSimulator.Api;

/// <summary>v2 <c>GET /api/measurement</c> (and the WebSocket push); <c>ts_utc</c> only in <c>/sim/readings</c>.</summary>
internal sealed record V2Measurement
{
    [JsonPropertyName("ts_utc")] public DateTime? TsUtc { get; init; }
    [JsonPropertyName("protocol_version")] public int ProtocolVersion { get; init; }
    [JsonPropertyName("meter_model")] public required string MeterModel { get; init; }
    [JsonPropertyName("unique_id")] public required string UniqueId { get; init; }
    [JsonPropertyName("timestamp")] public required string Timestamp { get; init; }
    [JsonPropertyName("tariff")] public int Tariff { get; init; }
    [JsonPropertyName("energy_import_kwh")] public double EnergyImportKwh { get; init; }
    [JsonPropertyName("energy_import_t1_kwh")] public double EnergyImportT1Kwh { get; init; }
    [JsonPropertyName("energy_import_t2_kwh")] public double EnergyImportT2Kwh { get; init; }
    [JsonPropertyName("energy_export_kwh")] public double EnergyExportKwh { get; init; }
    [JsonPropertyName("energy_export_t1_kwh")] public double EnergyExportT1Kwh { get; init; }
    [JsonPropertyName("energy_export_t2_kwh")] public double EnergyExportT2Kwh { get; init; }
    [JsonPropertyName("power_w")] public int PowerW { get; init; }
    [JsonPropertyName("power_l1_w")] public int PowerL1W { get; init; }
    [JsonPropertyName("power_l2_w")] public int PowerL2W { get; init; }
    [JsonPropertyName("power_l3_w")] public int PowerL3W { get; init; }
    [JsonPropertyName("voltage_l1_v")] public double VoltageL1V { get; init; }
    [JsonPropertyName("voltage_l2_v")] public double VoltageL2V { get; init; }
    [JsonPropertyName("voltage_l3_v")] public double VoltageL3V { get; init; }
    [JsonPropertyName("current_a")] public double CurrentA { get; init; }
    [JsonPropertyName("current_l1_a")] public double CurrentL1A { get; init; }
    [JsonPropertyName("current_l2_a")] public double CurrentL2A { get; init; }
    [JsonPropertyName("current_l3_a")] public double CurrentL3A { get; init; }
    [JsonPropertyName("voltage_sag_l1_count")] public int VoltageSagL1Count { get; init; }
    [JsonPropertyName("voltage_sag_l2_count")] public int VoltageSagL2Count { get; init; }
    [JsonPropertyName("voltage_sag_l3_count")] public int VoltageSagL3Count { get; init; }
    [JsonPropertyName("voltage_swell_l1_count")] public int VoltageSwellL1Count { get; init; }
    [JsonPropertyName("voltage_swell_l2_count")] public int VoltageSwellL2Count { get; init; }
    [JsonPropertyName("voltage_swell_l3_count")] public int VoltageSwellL3Count { get; init; }
    [JsonPropertyName("any_power_fail_count")] public int AnyPowerFailCount { get; init; }
    [JsonPropertyName("long_power_fail_count")] public int LongPowerFailCount { get; init; }
    [JsonPropertyName("average_power_15m_w")] public double? AveragePower15mW { get; init; }
    [JsonPropertyName("monthly_power_peak_w")] public double? MonthlyPowerPeakW { get; init; }
    [JsonPropertyName("monthly_power_peak_timestamp")] public string? MonthlyPowerPeakTimestamp { get; init; }
    [JsonPropertyName("external")] public required IReadOnlyList<V2External> External { get; init; }
}

internal sealed record V2External(
    [property: JsonPropertyName("unique_id")] string UniqueId,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("timestamp")] string Timestamp,
    [property: JsonPropertyName("value")] double Value,
    [property: JsonPropertyName("unit")] string Unit);
