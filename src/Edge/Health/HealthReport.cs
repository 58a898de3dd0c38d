using System.Text.Json.Serialization;

namespace P1Telemetry.Edge.Health;

/// <summary>What the health file holds and the <c>health</c> command prints.</summary>
public sealed record HealthReport
{
    [JsonPropertyName("status")]
    public string Status { get; init; } = "unhealthy";

    [JsonPropertyName("problems")]
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>Not a failure yet, but one is coming (the disk is filling up).</summary>
    [JsonPropertyName("warnings")]
    public IReadOnlyList<string> Warnings { get; init; } = [];

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

    /// <summary>Spooled plus quarantined: every reading the server has not stored.</summary>
    [JsonPropertyName("samples_not_uploaded")]
    public long SamplesNotUploaded { get; init; }

    /// <summary>The meter time of the oldest sample still spooled.</summary>
    [JsonPropertyName("oldest_spooled_at")]
    public DateTimeOffset? OldestSpooledAt { get; init; }

    [JsonPropertyName("oldest_spooled_age_s")]
    public double? OldestSpooledAgeSeconds { get; init; }

    /// <summary>Free space of the file system that holds the spool, for the daemon's user.</summary>
    [JsonPropertyName("spool_disk_free_bytes")]
    public long? SpoolDiskFreeBytes { get; init; }

    /// <summary>Readings that could not be written to the spool since the daemon started.</summary>
    [JsonPropertyName("spool_write_failures")]
    public long SpoolWriteFailures { get; init; }

    [JsonPropertyName("last_spool_write_failure_at")]
    public DateTimeOffset? LastSpoolWriteFailureAt { get; init; }

    [JsonPropertyName("spool_write_error")]
    public string? SpoolWriteError { get; init; }

    [JsonPropertyName("last_upload_at")]
    public DateTimeOffset? LastUploadAt { get; init; }

    [JsonPropertyName("upload_error")]
    public string? UploadError { get; init; }

    /// <summary>Set while the server refuses samples as too far in its future: newest sample ts − server time.</summary>
    [JsonPropertyName("clock_skew_s")]
    public double? ClockSkewSeconds { get; init; }

    [JsonPropertyName("clock_skew_detected_at")]
    public DateTimeOffset? ClockSkewDetectedAt { get; init; }

    /// <summary>Where readings come from: <c>homewizard HOST</c>, <c>serial DEVICE (BAUD FORMAT)</c> or <c>tcp HOST:PORT</c>.</summary>
    [JsonPropertyName("meter_source")]
    public string? MeterSource { get; init; }

    /// <summary>Telegrams rejected for a bad or missing CRC or as unreadable since start.</summary>
    [JsonPropertyName("bad_telegrams")]
    public long BadTelegrams { get; init; }

    [JsonPropertyName("last_bad_telegram")]
    public string? LastBadTelegram { get; init; }

    /// <summary>The meter keeps answering but its own timestamp stopped advancing.</summary>
    [JsonPropertyName("meter_clock_stalled")]
    public bool MeterClockStalled { get; init; }

    /// <summary>The Belgian quarter-hour fields (1-0:1.4.0, 1-0:1.6.0) were reported and no longer are.</summary>
    [JsonPropertyName("belgian_fields_missing")]
    public bool BelgianFieldsMissing { get; init; }

    /// <summary>When the server last acknowledged the meter's peak history.</summary>
    [JsonPropertyName("meter_peaks_posted_at")]
    public DateTimeOffset? MeterPeaksPostedAt { get; init; }
}

[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(HealthReport))]
internal sealed partial class HealthJsonContext : JsonSerializerContext;
