using P1Telemetry.Contracts.Domain;
using P1Telemetry.Server.Realtime;

namespace P1Telemetry.Server.Tests.ReadPath;

/// <summary>The dashboard's quarter figures: target, remaining power, seconds left and state.</summary>
public sealed class LiveQuarterTargetTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    private static LiveQuarter Live(double elapsedS, double soFarW, double projectedW, double? monthPeakW) =>
        new(Start, Start + QuarterHour.Length, elapsedS, soFarW, projectedW, monthPeakW, 0);

    [Fact]
    public void The_target_is_the_highest_of_the_floor_the_month_peak_and_the_goal()
    {
        Assert.Equal(2500, LiveQuarterResponse.From(Live(300, 500, 1000, null)).TargetW);
        Assert.Equal(3200, LiveQuarterResponse.From(Live(300, 500, 1000, 3200), goalPeakW: 3000).TargetW);
        Assert.Equal(4000, LiveQuarterResponse.From(Live(300, 500, 1000, 3200), goalPeakW: 4000).TargetW);
    }

    [Fact]
    public void The_remaining_power_ends_the_quarter_exactly_at_the_target()
    {
        // 600 s gone, 300 s left: the average so far (1000 W) weighs in fully, the rest's power by a third.
        var figures = LiveQuarterResponse.From(Live(600, 1000, 1500, 3000));

        Assert.Equal(300, figures.SecondsLeft);
        Assert.Equal(6000, figures.RemainingPowerW);
        Assert.Equal(3000, 1000 + (figures.RemainingPowerW * figures.SecondsLeft / 900));
    }

    [Fact]
    public void The_state_is_at_risk_above_ninety_percent_and_certain_once_the_energy_so_far_exceeds_the_target()
    {
        Assert.Equal(QuarterStates.Fine, LiveQuarterResponse.From(Live(600, 1000, 2690, 3000)).State);
        Assert.Equal(QuarterStates.AtRisk, LiveQuarterResponse.From(Live(600, 1000, 2710, 3000)).State);
        var certain = LiveQuarterResponse.From(Live(600, 3100, 3300, 3000));
        Assert.Equal(QuarterStates.NewPeakCertain, certain.State);
        Assert.True(certain.RemainingPowerW < 0);
    }
}
