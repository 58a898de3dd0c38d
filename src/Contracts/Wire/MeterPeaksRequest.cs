using System.Text.Json.Serialization;

namespace P1Telemetry.Contracts.Wire;

/// <summary>
/// The body of <c>POST /v1/meter-peaks</c>: the meter's own monthly peaks (0-0:98.1.0) and, optionally, what the
/// edge noticed about the meter's data. Fields are nullable so that the server can name what is missing.
/// </summary>
public sealed record MeterPeaksRequest
{
    [JsonPropertyName("device_id")]
    public string? DeviceId { get; init; }

    [JsonPropertyName("peaks")]
    public IReadOnlyList<MeterPeak>? Peaks { get; init; }

    /// <summary>Stale-data signals; absent when the edge has nothing to report.</summary>
    [JsonPropertyName("meter_state")]
    public MeterState? MeterState { get; init; }
}

/// <summary>One month of the meter's peak history.</summary>
public sealed record MeterPeak
{
    /// <summary>The local month, <c>YYYY-MM</c>.</summary>
    [JsonPropertyName("month")]
    public string? Month { get; init; }

    /// <summary>The month's highest quarter-hour average offtake, in W.</summary>
    [JsonPropertyName("peak_w")]
    public int? PeakW { get; init; }

    /// <summary>When the meter recorded it (UTC).</summary>
    [JsonPropertyName("peak_ts")]
    public DateTimeOffset? PeakTs { get; init; }
}

/// <summary>What the edge observed about the meter's data when it posted.</summary>
public sealed record MeterState
{
    /// <summary>The meter keeps answering but its own timestamp (0-0:1.0.0) stopped advancing.</summary>
    [JsonPropertyName("clock_stalled")]
    public bool ClockStalled { get; init; }

    /// <summary>The meter reported the Belgian quarter-hour fields (1-0:1.4.0, 1-0:1.6.0) before and no longer does.</summary>
    [JsonPropertyName("belgian_fields_missing")]
    public bool BelgianFieldsMissing { get; init; }

    /// <summary>The source the edge reads (<c>serial</c>, <c>tcp</c>, <c>homewizard</c>).</summary>
    [JsonPropertyName("source")]
    public string? Source { get; init; }

    [JsonPropertyName("observed_at")]
    public DateTimeOffset? ObservedAt { get; init; }
}

/// <summary>The answer to <c>POST /v1/meter-peaks</c>.</summary>
public sealed record MeterPeaksResponse(
    [property: JsonPropertyName("stored")] int Stored);
