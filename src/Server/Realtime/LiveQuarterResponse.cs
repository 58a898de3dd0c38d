using System.Text.Json.Serialization;
using P1Telemetry.Contracts.Domain;

namespace P1Telemetry.Server.Realtime;

/// <summary>The quarter-hour in progress, part of <c>GET /v1/realtime</c>.</summary>
public sealed record LiveQuarterResponse
{
    [JsonPropertyName("start")]
    public required DateTimeOffset Start { get; init; }

    [JsonPropertyName("end")]
    public required DateTimeOffset End { get; init; }

    [JsonPropertyName("elapsed_s")]
    public required double ElapsedS { get; init; }

    /// <summary>Offtake energy so far in the quarter × 4, in W (what the meter shows as 1-0:1.4.0).</summary>
    [JsonPropertyName("average_power_so_far_w")]
    public required double AveragePowerSoFarW { get; init; }

    /// <summary>The quarter's value if the current import power holds until its end.</summary>
    [JsonPropertyName("projected_average_power_w")]
    public required double ProjectedAveragePowerW { get; init; }

    /// <summary>The month's highest completed quarter so far; null before the month's first complete quarter.</summary>
    [JsonPropertyName("month_peak_so_far_w")]
    public double? MonthPeakSoFarW { get; init; }

    /// <summary>How far the projection stays below max(month peak so far, 2500 W); negative when it would set a new billed peak.</summary>
    [JsonPropertyName("headroom_w")]
    public required double HeadroomW { get; init; }

    public static LiveQuarterResponse From(LiveQuarter live)
    {
        ArgumentNullException.ThrowIfNull(live);
        return new LiveQuarterResponse
        {
            Start = live.Start,
            End = live.End,
            ElapsedS = Math.Round(live.ElapsedSeconds, 3),
            AveragePowerSoFarW = Math.Round(live.AveragePowerSoFarW, 1),
            ProjectedAveragePowerW = Math.Round(live.ProjectedAveragePowerW, 1),
            MonthPeakSoFarW = live.MonthPeakSoFarW is { } peak ? Math.Round(peak, 1) : null,
            HeadroomW = Math.Round(live.HeadroomW, 1),
        };
    }
}
