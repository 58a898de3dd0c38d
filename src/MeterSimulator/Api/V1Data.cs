using System.Text.Json.Serialization;

namespace P1Telemetry.MeterSimulator.Api;

/// <summary>v1 <c>GET /api/v1/data</c>, with the field names (and the <c>montly</c> typo) of the real firmware.</summary>
internal sealed record V1Data
{
    [JsonPropertyName("wifi_ssid")] public required string WifiSsid { get; init; }
    [JsonPropertyName("wifi_strength")] public int WifiStrength { get; init; }
    [JsonPropertyName("smr_version")] public int SmrVersion { get; init; }
    [JsonPropertyName("meter_model")] public required string MeterModel { get; init; }
    [JsonPropertyName("unique_id")] public required string UniqueId { get; init; }
    [JsonPropertyName("active_tariff")] public int ActiveTariff { get; init; }
    [JsonPropertyName("total_power_import_kwh")] public double TotalPowerImportKwh { get; init; }
    [JsonPropertyName("total_power_import_t1_kwh")] public double TotalPowerImportT1Kwh { get; init; }
    [JsonPropertyName("total_power_import_t2_kwh")] public double TotalPowerImportT2Kwh { get; init; }
    [JsonPropertyName("total_power_export_kwh")] public double TotalPowerExportKwh { get; init; }
    [JsonPropertyName("total_power_export_t1_kwh")] public double TotalPowerExportT1Kwh { get; init; }
    [JsonPropertyName("total_power_export_t2_kwh")] public double TotalPowerExportT2Kwh { get; init; }
    [JsonPropertyName("active_power_w")] public int ActivePowerW { get; init; }
    [JsonPropertyName("active_power_l1_w")] public int ActivePowerL1W { get; init; }
    [JsonPropertyName("active_power_l2_w")] public int ActivePowerL2W { get; init; }
    [JsonPropertyName("active_power_l3_w")] public int ActivePowerL3W { get; init; }
    [JsonPropertyName("active_voltage_l1_v")] public double ActiveVoltageL1V { get; init; }
    [JsonPropertyName("active_voltage_l2_v")] public double ActiveVoltageL2V { get; init; }
    [JsonPropertyName("active_voltage_l3_v")] public double ActiveVoltageL3V { get; init; }
    [JsonPropertyName("active_current_a")] public double ActiveCurrentA { get; init; }
    [JsonPropertyName("active_current_l1_a")] public double ActiveCurrentL1A { get; init; }
    [JsonPropertyName("active_current_l2_a")] public double ActiveCurrentL2A { get; init; }
    [JsonPropertyName("active_current_l3_a")] public double ActiveCurrentL3A { get; init; }
    [JsonPropertyName("active_frequency_hz")] public double ActiveFrequencyHz { get; init; }
    [JsonPropertyName("voltage_sag_l1_count")] public int VoltageSagL1Count { get; init; }
    [JsonPropertyName("voltage_sag_l2_count")] public int VoltageSagL2Count { get; init; }
    [JsonPropertyName("voltage_sag_l3_count")] public int VoltageSagL3Count { get; init; }
    [JsonPropertyName("voltage_swell_l1_count")] public int VoltageSwellL1Count { get; init; }
    [JsonPropertyName("voltage_swell_l2_count")] public int VoltageSwellL2Count { get; init; }
    [JsonPropertyName("voltage_swell_l3_count")] public int VoltageSwellL3Count { get; init; }
    [JsonPropertyName("any_power_fail_count")] public int AnyPowerFailCount { get; init; }
    [JsonPropertyName("long_power_fail_count")] public int LongPowerFailCount { get; init; }
    [JsonPropertyName("active_power_average_w")] public double? ActivePowerAverageW { get; init; }
    [JsonPropertyName("montly_power_peak_w")] public double? MontlyPowerPeakW { get; init; }
    [JsonPropertyName("montly_power_peak_timestamp")] public long? MontlyPowerPeakTimestamp { get; init; }
    [JsonPropertyName("total_gas_m3")] public double TotalGasM3 { get; init; }
    [JsonPropertyName("gas_timestamp")] public long GasTimestamp { get; init; }
    [JsonPropertyName("gas_unique_id")] public required string GasUniqueId { get; init; }
    [JsonPropertyName("external")] public required IReadOnlyList<V1External> External { get; init; }
}

internal sealed record V1External(
    [property: JsonPropertyName("unique_id")] string UniqueId,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("timestamp")] long Timestamp,
    [property: JsonPropertyName("value")] double Value,
    [property: JsonPropertyName("unit")] string Unit);
