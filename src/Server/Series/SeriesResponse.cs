using System.Text.Json.Serialization;

namespace P1Telemetry.Server.Series;

/// <summary>The answer to <c>GET /v1/series</c>.</summary>
public sealed record SeriesResponse
{
    [JsonPropertyName("device_id")]
    public required string DeviceId { get; init; }

    [JsonPropertyName("timezone")]
    public required string TimeZone { get; init; }

    [JsonPropertyName("frame")]
    public required string Frame { get; init; }

    [JsonPropertyName("bucket")]
    public required string Bucket { get; init; }

    /// <summary>The frame's start with the local offset; null for frame=all without data.</summary>
    [JsonPropertyName("from")]
    public DateTimeOffset? From { get; init; }

    [JsonPropertyName("to")]
    public DateTimeOffset? To { get; init; }

    [JsonPropertyName("series")]
    public required IReadOnlyList<SeriesPoint> Series { get; init; }
}

/// <summary>One bucket; buckets before the first or after the last reading are left out.</summary>
public sealed record SeriesPoint
{
    /// <summary>The bucket's start in local time, with its offset.</summary>
    [JsonPropertyName("start")]
    public required DateTimeOffset Start { get; init; }

    [JsonPropertyName("end")]
    public required DateTimeOffset End { get; init; }

    /// <summary>Mean net power of the bucket's readings (negative while exporting); null without readings.</summary>
    [JsonPropertyName("avg_power_w")]
    public double? AvgPowerW { get; init; }

    [JsonPropertyName("max_power_w")]
    public long? MaxPowerW { get; init; }

    /// <summary>Import register delta over the bucket, interpolated at its boundaries.</summary>
    [JsonPropertyName("energy_import_kwh")]
    public required double EnergyImportKwh { get; init; }

    [JsonPropertyName("energy_export_kwh")]
    public required double EnergyExportKwh { get; init; }

    [JsonPropertyName("samples")]
    public required long Samples { get; init; }
}
