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

    /// <summary>The device's goal peak (its settings), when it has one.</summary>
    [JsonPropertyName("goal_peak_w")]
    public int? GoalPeakW { get; init; }

    /// <summary>The value the quarter should stay below: max(2500 W, the month's peak so far, the goal peak).</summary>
    [JsonPropertyName("target_w")]
    public double TargetW { get; init; }

    [JsonPropertyName("seconds_left")]
    public double SecondsLeft { get; init; }

    /// <summary>
    /// The constant import power that, held for the rest of the quarter, makes the quarter end exactly at the
    /// target; negative once the energy so far already exceeds it.
    /// </summary>
    [JsonPropertyName("remaining_power_w")]
    public double RemainingPowerW { get; init; }

    /// <summary><c>fine</c>, <c>at_risk</c> (the projection exceeds 90 % of the target) or <c>new_peak_certain</c>.</summary>
    [JsonPropertyName("state")]
    public string State { get; init; } = QuarterStates.Fine;

    public static LiveQuarterResponse From(LiveQuarter live, int? goalPeakW = null)
    {
        ArgumentNullException.ThrowIfNull(live);
        var target = Math.Max(Math.Max(CapacityTariff.MinimumBilledPeakW, live.MonthPeakSoFarW ?? 0), goalPeakW ?? 0);
        var secondsLeft = Math.Max((live.End - live.Start).TotalSeconds - live.ElapsedSeconds, 0);
        // The quarter's value is the average so far plus the rest's power weighted by its share of the quarter;
        // in the quarter's last second the share is taken as one second so the figure stays finite.
        var quarterSeconds = QuarterHour.Length.TotalSeconds;
        var remaining = (target - live.AveragePowerSoFarW) * quarterSeconds / Math.Max(secondsLeft, 1);
        var state = live.AveragePowerSoFarW > target ? QuarterStates.NewPeakCertain
            : live.ProjectedAveragePowerW > QuarterStates.AtRiskShare * target ? QuarterStates.AtRisk
            : QuarterStates.Fine;
        return new LiveQuarterResponse
        {
            GoalPeakW = goalPeakW,
            TargetW = Math.Round(target, 1),
            SecondsLeft = Math.Round(secondsLeft, 3),
            RemainingPowerW = Math.Round(remaining, 1),
            State = state,
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
