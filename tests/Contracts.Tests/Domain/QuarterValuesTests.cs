using P1Telemetry.Contracts.Domain;
using static P1Telemetry.Contracts.Tests.Domain.Rollup;

namespace P1Telemetry.Contracts.Tests.Domain;

public sealed class QuarterValuesTests
{
    private static readonly LocalCalendar Brussels = LocalCalendar.ForZone("Europe/Brussels");

    private static TimeRange Range(string from, string to) => new(At(from), At(to));

    [Fact]
    public void Complete_1Hz_data_gives_the_mean_import_power_twice()
    {
        var readings = Steady(At("2026-01-01T09:59:00Z"), At("2026-01-01T10:16:00Z"), ts => ts.Minute < 10 ? 3000 : -600);

        var quarter = Assert.Single(QuarterValues.Compute(Of(readings), Range("2026-01-01T10:00:00Z", "2026-01-01T10:15:00Z")).Quarters);

        // 10 minutes at 3000 W and 5 minutes exporting: 0.5 kWh × 4 = 2000 W; the mean of import_power_w agrees.
        Assert.Equal(2000, quarter.AveragePowerW, 6);
        Assert.Equal(2000, quarter.MeanImportPowerW, 6);
        Assert.Equal(900, quarter.SampleCount);
        Assert.Equal(At("2026-01-01T10:15:00Z"), quarter.End);
    }

    [Fact]
    public void Both_boundaries_are_interpolated_between_the_readings_on_either_side()
    {
        Reading[] readings =
        [
            new(At("2026-01-01T10:00:00Z"), 100.000, 2000),
            new(At("2026-01-01T10:14:50Z"), 100.490, 2000),
            new(At("2026-01-01T10:15:10Z"), 100.510, 2000),
            new(At("2026-01-01T10:29:40Z"), 101.000, 2000),
            new(At("2026-01-01T10:30:20Z"), 101.020, 2000),
        ];

        var quarter = Assert.Single(QuarterValues.Compute(Of(readings), Range("2026-01-01T10:15:00Z", "2026-01-01T10:30:00Z")).Quarters);

        // R(10:15) = 100.490 + 0.020 × 10/20 = 100.500; R(10:30) = 101.000 + 0.020 × 20/40 = 101.010;
        // 0.510 kWh × 4 = 2040 W.
        Assert.Equal(2040, quarter.AveragePowerW, 6);
        Assert.Equal(2, quarter.SampleCount);
        Assert.Equal(2000, quarter.MeanImportPowerW);
    }

    [Fact]
    public void A_boundary_is_interpolated_across_five_minutes_but_not_a_second_more()
    {
        Reading[] fiveMinutes =
        [
            new(At("2026-01-01T10:00:00Z"), 10.0, 1000),
            new(At("2026-01-01T10:12:30Z"), 10.2, 1000),
            new(At("2026-01-01T10:17:30Z"), 10.3, 1000),
            new(At("2026-01-01T10:30:00Z"), 10.5, 1000),
        ];
        var longer = fiveMinutes.Select(r => r.Ts == At("2026-01-01T10:17:30Z") ? r with { Ts = r.Ts.AddSeconds(1) } : r);
        var range = Range("2026-01-01T10:00:00Z", "2026-01-01T10:30:00Z");

        var within = QuarterValues.Compute(Of(fiveMinutes), range);
        var beyond = QuarterValues.Compute(Of(longer), range);

        // R(10:15) = 10.25: 0.25 kWh in each quarter → 1000 W.
        Assert.Equal([1000.0, 1000.0], within.Quarters.Select(q => Math.Round(q.AveragePowerW, 6)));
        Assert.Empty(within.Gaps);
        Assert.Empty(beyond.Quarters);
        Assert.Equal([range], beyond.Gaps);
    }

    [Fact]
    public void A_register_jump_across_a_long_gap_is_a_gap_not_a_peak()
    {
        // 1500 W until 10:05, silence, then 20 kWh more on the register when the data resumes at 12:07.
        var before = Steady(At("2026-01-01T09:30:00Z"), At("2026-01-01T10:05:01Z"), _ => 1500, startKwh: 50);
        var afterStart = 50 + (1500 * 2101 / 3_600_000.0) + 20;
        var after = Steady(At("2026-01-01T12:07:00Z"), At("2026-01-01T12:45:00Z"), _ => 1200, startKwh: afterStart);
        var range = Range("2026-01-01T09:30:00Z", "2026-01-01T12:45:00Z");

        var analysis = QuarterValues.Compute(Of(before.Concat(after)), range);

        Assert.Equal(1500, analysis.Peak!.Value.AveragePowerW, 3);
        Assert.Equal(
            [Range("2026-01-01T10:00:00Z", "2026-01-01T12:15:00Z"), Range("2026-01-01T12:30:00Z", "2026-01-01T12:45:00Z")],
            analysis.Gaps);
        Assert.Equal(9 + 1, analysis.GapQuarters);
        Assert.Equal(
            [At("2026-01-01T09:30:00Z"), At("2026-01-01T09:45:00Z"), At("2026-01-01T12:15:00Z")],
            analysis.Quarters.Select(q => q.Start));
    }

    [Fact]
    public void Internal_silence_inside_a_quarter_does_not_matter_because_the_register_is_cumulative()
    {
        Reading[] readings =
        [
            new(At("2026-01-01T09:59:59Z"), 20.000, 0),
            new(At("2026-01-01T10:00:01Z"), 20.000, 0),
            new(At("2026-01-01T10:14:59Z"), 21.500, 6000),
            new(At("2026-01-01T10:15:01Z"), 21.500, 0),
        ];

        var quarter = Assert.Single(QuarterValues.Compute(Of(readings), Range("2026-01-01T10:00:00Z", "2026-01-01T10:15:00Z")).Quarters);

        Assert.Equal(6000, quarter.AveragePowerW, 6);
        Assert.Equal(3000, quarter.MeanImportPowerW);
    }

    [Fact]
    public void A_quarter_straddling_the_local_month_boundary_belongs_to_the_next_month()
    {
        var march = Brussels.Month(new LocalMonth(2026, 3));
        var february = Brussels.Month(new LocalMonth(2026, 2));
        // 2026-02-28T23:30Z is 00:30 on 1 March in Brussels (UTC+1).
        var readings = Steady(At("2026-02-28T22:00:00Z"), At("2026-03-01T00:30:00Z"), ts =>
            ts >= At("2026-02-28T23:30:00Z") && ts < At("2026-02-28T23:45:00Z") ? 7200 : 800);
        var slots = Of(readings);

        var marchPeak = QuarterValues.Compute(slots, march).Peak!.Value;
        var februaryPeak = QuarterValues.Compute(slots, february).Peak!.Value;

        Assert.Equal(At("2026-02-28T23:00:00Z"), march.Start);
        Assert.Equal(new LocalMonth(2026, 3), Brussels.MonthOf(At("2026-02-28T23:30:00Z")));
        Assert.Equal(At("2026-02-28T23:30:00Z"), marchPeak.Start);
        Assert.Equal(7200, marchPeak.AveragePowerW, 3);
        Assert.Equal(800, februaryPeak.AveragePowerW, 3);
        Assert.True(februaryPeak.Start < march.Start);
    }

    [Theory]
    [InlineData(2026, 3, 29, 92)]
    [InlineData(2026, 10, 25, 100)]
    [InlineData(2026, 6, 1, 96)]
    public void DST_days_have_92_or_100_covered_quarters(int year, int month, int day, int expected)
    {
        var range = Brussels.Day(new DateOnly(year, month, day));
        var slots = Of(Steady(range.Start.AddMinutes(-1), range.End.AddMinutes(1), _ => 1000, intervalS: 10));

        var analysis = QuarterValues.Compute(slots, range);

        Assert.Equal(expected, range.Quarters);
        Assert.Equal(expected, analysis.Quarters.Count);
        Assert.Empty(analysis.Gaps);
        Assert.All(analysis.Quarters, q => Assert.Equal(1000, q.AveragePowerW, 6));
    }

    [Fact]
    public void The_repeated_autumn_hour_yields_distinct_peaks_for_both_occurrences()
    {
        // 02:00–03:00 local happens twice on 2026-10-25: 00:00–01:00Z (+02:00) and 01:00–02:00Z (+01:00).
        var day = Brussels.Day(new DateOnly(2026, 10, 25));
        var slots = Of(Steady(day.Start, day.End.AddSeconds(1), ts =>
            ts >= At("2026-10-25T01:15:00Z") && ts < At("2026-10-25T01:30:00Z") ? 5000 : 900));

        var peak = QuarterValues.Compute(slots, day).Peak!.Value;

        Assert.Equal(At("2026-10-25T01:15:00Z"), peak.Start);
        Assert.Equal(TimeSpan.FromHours(1), Brussels.ToLocal(peak.Start).Offset);
        Assert.Equal(2, Brussels.ToLocal(peak.Start).Hour);
    }

    [Fact]
    public void Ties_keep_the_earliest_quarter_and_an_empty_range_has_no_peak()
    {
        var slots = Of(Steady(At("2026-01-01T00:00:00Z"), At("2026-01-01T00:45:01Z"), _ => 3000));
        var analysis = QuarterValues.Compute(slots, Range("2026-01-01T00:00:00Z", "2026-01-01T00:45:00Z"));

        Assert.Equal(At("2026-01-01T00:00:00Z"), analysis.Peak!.Value.Start);
        Assert.Null(QuarterValues.Compute([], Range("2026-01-01T00:00:00Z", "2026-01-01T00:45:00Z")).Peak);
        Assert.Equal(3, QuarterValues.Compute([], Range("2026-01-01T00:00:00Z", "2026-01-01T00:45:00Z")).GapQuarters);
    }
}
