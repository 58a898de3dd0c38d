using System.Text.Json.Serialization;

namespace P1Telemetry.MeterSimulator;

/// <summary>A register glitch that real dongles occasionally pass on.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RegisterGlitch>))]
public enum RegisterGlitch
{
    /// <summary>The import register reads a few kWh lower than before.</summary>
    [JsonStringEnumMemberName("backwards")]
    Backwards,

    /// <summary>The import register jumps by far more than any power could explain.</summary>
    [JsonStringEnumMemberName("spike")]
    Spike,
}

/// <summary>
/// Faults the simulated dongle shows on its HomeWizard API (never on <c>/sim/</c>). Also the body of
/// <c>PUT /sim/faults</c>: a PUT replaces every fault, and a field left out takes its default (no fault).
/// </summary>
public sealed record SimulatorFaults
{
    /// <summary>Added delay before every answer, ms.</summary>
    [JsonPropertyName("latency_ms")]
    public int LatencyMs { get; init; }

    /// <summary>Fraction (0–1) of requests answered with HTTP 500.</summary>
    [JsonPropertyName("error_rate")]
    public double ErrorRate { get; init; }

    /// <summary>Fraction (0–1) of requests whose connection is aborted without an answer.</summary>
    [JsonPropertyName("drop_rate")]
    public double DropRate { get; init; }

    /// <summary>Requests are accepted but never answered, until the client gives up.</summary>
    [JsonPropertyName("hang")]
    public bool Hang { get; init; }

    /// <summary>Applied once, to the next telegram; reads back as null afterwards.</summary>
    [JsonPropertyName("glitch")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public RegisterGlitch? Glitch { get; init; }

    /// <summary>The local API (v1) is switched off in the app: v1 answers 403 error 202.</summary>
    [JsonPropertyName("api_disabled")]
    public bool ApiDisabled { get; init; }

    /// <summary>When false, the meter behaves like a non-Belgian one: no quarter-hour average nor monthly peak.</summary>
    [JsonPropertyName("belgian_fields")]
    public bool BelgianFields { get; init; } = true;

    /// <summary>Fraction (0–1) of raw telegrams (HTTP, serial, TCP) sent with a wrong CRC.</summary>
    [JsonPropertyName("bad_crc_rate")]
    public double BadCrcRate { get; init; }

    /// <summary>Fraction (0–1) of raw telegrams cut off before their end (no <c>!</c> nor CRC).</summary>
    [JsonPropertyName("truncated_rate")]
    public double TruncatedRate { get; init; }

    /// <summary>The raw telegram's own clock (0-0:1.0.0) stops where it was, while the registers keep counting.</summary>
    [JsonPropertyName("clock_stalled")]
    public bool ClockStalled { get; init; }

    /// <summary>The first problem with these values, or null when they are valid.</summary>
    public string? Validate()
    {
        if (LatencyMs is < 0 or > 600_000)
        {
            return "latency_ms must be between 0 and 600000.";
        }

        if (ErrorRate is < 0 or > 1 || double.IsNaN(ErrorRate))
        {
            return "error_rate must be a fraction between 0 and 1.";
        }

        if (DropRate is < 0 or > 1 || double.IsNaN(DropRate))
        {
            return "drop_rate must be a fraction between 0 and 1.";
        }

        if (BadCrcRate is < 0 or > 1 || double.IsNaN(BadCrcRate))
        {
            return "bad_crc_rate must be a fraction between 0 and 1.";
        }

        if (TruncatedRate is < 0 or > 1 || double.IsNaN(TruncatedRate))
        {
            return "truncated_rate must be a fraction between 0 and 1.";
        }

        return null;
    }
}
