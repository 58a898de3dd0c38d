using System.Text.Json.Serialization;

namespace P1Telemetry.Server.Export;

/// <summary>One quarter-hour slot in an export; the value fields are null when the quarter is not covered.</summary>
public sealed record QuarterHourExportRow
{
    public const string CsvHeader =
        "start,end,samples,average_power_w,mean_import_power_w,max_import_power_w,avg_power_w,min_power_w,max_power_w,energy_import_kwh,energy_export_kwh";

    [JsonPropertyName("start")]
    public required DateTimeOffset Start { get; init; }

    [JsonPropertyName("end")]
    public required DateTimeOffset End { get; init; }

    [JsonPropertyName("samples")]
    public required long Samples { get; init; }

    /// <summary>The capacity-tariff value: offtake energy × 4 from the interpolated register.</summary>
    [JsonPropertyName("average_power_w")]
    public double? AveragePowerW { get; init; }

    [JsonPropertyName("mean_import_power_w")]
    public required double MeanImportPowerW { get; init; }

    [JsonPropertyName("max_import_power_w")]
    public required long MaxImportPowerW { get; init; }

    /// <summary>Mean net power.</summary>
    [JsonPropertyName("avg_power_w")]
    public required double AvgPowerW { get; init; }

    [JsonPropertyName("min_power_w")]
    public required long MinPowerW { get; init; }

    [JsonPropertyName("max_power_w")]
    public required long MaxPowerW { get; init; }

    [JsonPropertyName("energy_import_kwh")]
    public double? EnergyImportKwh { get; init; }

    [JsonPropertyName("energy_export_kwh")]
    public double? EnergyExportKwh { get; init; }
}
