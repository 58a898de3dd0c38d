using System.Text.Json.Serialization;

namespace P1Telemetry.Edge.Health;

/// <summary>What the health file holds and the <c>health</c> command prints.</summary>
public sealed record HealthReport
{
    [JsonPropertyName("status")]
    public string Status { get; init; } = "unhealthy";

    [JsonPropertyName("problems")]
    public IReadOnlyList<string> Problems { get; init; } = [];

    [JsonPropertyName("written_at")]
    public DateTimeOffset WrittenAt { get; init; }

    [JsonPropertyName("started_at")]
    public DateTimeOffset StartedAt { get; init; }

    [JsonPropertyName("device_id")]
    public string? DeviceId { get; init; }

    [JsonPropertyName("meter_reachable")]
    public bool MeterReachable { get; init; }

    [JsonPropertyName("meter_api_version")]
    public string? MeterApiVersion { get; init; }

    [JsonPropertyName("meter_error")]
    public string? MeterError { get; init; }

    [JsonPropertyName("meter_unreachable_since")]
    public DateTimeOffset? MeterUnreachableSince { get; init; }

    [JsonPropertyName("last_reading_at")]
    public DateTimeOffset? LastReadingAt { get; init; }

    [JsonPropertyName("last_reading_age_s")]
    public double? LastReadingAgeSeconds { get; init; }

    [JsonPropertyName("spool_depth")]
    public long SpoolDepth { get; init; }

    [JsonPropertyName("quarantine_count")]
    public long QuarantineCount { get; init; }

    [JsonPropertyName("last_upload_at")]
    public DateTimeOffset? LastUploadAt { get; init; }

    [JsonPropertyName("upload_error")]
    public string? UploadError { get; init; }
}

[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(HealthReport))]
internal sealed partial class HealthJsonContext : JsonSerializerContext;
