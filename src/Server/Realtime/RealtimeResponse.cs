using System.Text.Json.Serialization;
using P1Telemetry.Contracts.Wire;

namespace P1Telemetry.Server.Realtime;

/// <summary>The answer to <c>GET /v1/realtime</c>: the device's latest sample as a flat object.</summary>
public sealed record RealtimeResponse
{
    [JsonPropertyName("device_id")]
    public required string DeviceId { get; init; }

    [JsonPropertyName("ts")]
    public required DateTimeOffset Ts { get; init; }

    [JsonPropertyName("power_w")]
    public required int PowerW { get; init; }

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

    /// <summary>The capacity-tariff quarter in progress; null when the device has been silent for a quarter.</summary>
    [JsonPropertyName("live_quarter")]
    public LiveQuarterResponse? LiveQuarter { get; init; }

    public static RealtimeResponse From(Sample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        return new RealtimeResponse
        {
            DeviceId = sample.DeviceId,
            Ts = sample.Ts,
            PowerW = sample.PowerW,
            ImportPowerW = sample.ImportPowerW,
            EnergyImportKwh = sample.EnergyImportKwh,
            EnergyExportKwh = sample.EnergyExportKwh,
            AveragePower15mW = sample.AveragePower15mW,
            MonthlyPowerPeakW = sample.MonthlyPowerPeakW,
            MonthlyPowerPeakTs = sample.MonthlyPowerPeakTs,
            PowerL1W = sample.PowerL1W,
            PowerL2W = sample.PowerL2W,
            PowerL3W = sample.PowerL3W,
            GasM3 = sample.GasM3,
            GasTs = sample.GasTs,
        };
    }
}
