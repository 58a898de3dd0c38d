using System.Text.Json.Serialization;
using P1Telemetry.Contracts.Domain;

namespace P1Telemetry.Server.Capacity;

/// <summary>
/// What the rest of the read path needs to know about one local month of one device: its capacity peak and
/// its rollup rows summed into one (for month buckets and for the rolling average). Cached once settled.
/// </summary>
public sealed record MonthDigest
{
    [JsonPropertyName("month")]
    public required string Month { get; init; }

    /// <summary>The highest quarter value; null when no quarter of the month is covered.</summary>
    [JsonPropertyName("peak_w")]
    public double? PeakW { get; init; }

    [JsonPropertyName("peak_ts")]
    public DateTimeOffset? PeakTs { get; init; }

    [JsonPropertyName("gap_quarters")]
    public int GapQuarters { get; init; }

    /// <summary>All rollup rows of the month summed, with the month's first and last reading; null without rows.</summary>
    [JsonPropertyName("total")]
    public QuarterSlot? Total { get; init; }

    public double? BilledPeakW => PeakW is { } peak ? CapacityTariff.BilledPeakW(peak) : null;
}
