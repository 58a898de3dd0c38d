using P1Telemetry.Contracts.Domain;
using static P1Telemetry.Contracts.Tests.Domain.Rollup;

namespace P1Telemetry.Contracts.Tests.Domain;

public sealed class MonthFiguresTests
{
    private static readonly LocalCalendar Brussels = LocalCalendar.ForZone("Europe/Brussels");

    private static QuarterValue Quarter(string start, double watts) =>
        new(At(start), At(start).Add(QuarterHour.Length), watts, 900, watts);

    [Fact]
    public void The_top_quarters_are_the_five_highest_highest_first_and_the_earlier_first_on_a_tie()
    {
        QuarterValue[] quarters =
        [
            Quarter("2026-03-01T10:00:00Z", 1000), Quarter("2026-03-02T10:00:00Z", 5000), Quarter("2026-03-03T10:00:00Z", 3000),
            Quarter("2026-03-04T10:00:00Z", 5000), Quarter("2026-03-05T10:00:00Z", 200), Quarter("2026-03-06T10:00:00Z", 4000),
            Quarter("2026-03-07T10:00:00Z", 2000),
        ];

        var top = MonthFigures.TopQuarters(quarters);

        Assert.Equal([5000, 5000, 4000, 3000, 2000], top.Select(q => q.AveragePowerW));
        Assert.Equal(At("2026-03-02T10:00:00Z"), top[0].Start);
        Assert.Equal(At("2026-03-04T10:00:00Z"), top[1].Start);
        Assert.Equal(2, MonthFigures.TopQuarters(quarters[..2]).Count);
    }

    [Fact]
    public void Every_local_day_has_its_highest_quarter_and_a_day_without_data_has_none()
    {
        // Local days in Brussels (UTC+1 in January): 23:30 UTC on the 1st is already the 2nd locally.
        QuarterValue[] quarters =
        [
            Quarter("2026-01-01T08:00:00Z", 1500), Quarter("2026-01-01T18:00:00Z", 4200), Quarter("2026-01-01T23:30:00Z", 9000),
            Quarter("2026-01-02T12:00:00Z", 800),
        ];
        var evaluated = new TimeRange(Brussels.StartOf(new DateOnly(2026, 1, 1)), Brussels.StartOf(new DateOnly(2026, 1, 4)));
        var gaps = new List<TimeRange> { new(Brussels.StartOf(new DateOnly(2026, 1, 2)).AddHours(20), evaluated.End) };

        var days = MonthFigures.DailyPeaks(quarters, gaps, evaluated, Brussels);

        Assert.Equal([new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 2), new DateOnly(2026, 1, 3)], days.Select(d => d.Date));
        Assert.Equal(4200, days[0].Peak!.Value.AveragePowerW);
        Assert.Equal(9000, days[1].Peak!.Value.AveragePowerW);
        Assert.Null(days[2].Peak);
        Assert.Equal([0, 16, 96], days.Select(d => d.GapQuarters));
    }

    [Fact]
    public void A_day_has_the_quarters_of_its_local_length_on_the_dst_change()
    {
        // 29 March 2026 has 23 hours in Brussels: 92 quarters, all of them a gap here.
        var date = new DateOnly(2026, 3, 29);
        var day = Brussels.Day(date);

        var days = MonthFigures.DailyPeaks([], [day], day, Brussels);

        Assert.Equal(92, Assert.Single(days).GapQuarters);
        Assert.Equal(date, days[0].Date);
    }

    [Fact]
    public void Joined_stretches_give_what_the_whole_range_gives()
    {
        QuarterValue[] quarters =
        [
            Quarter("2026-01-05T07:00:00Z", 2500), Quarter("2026-01-05T09:00:00Z", 3100), Quarter("2026-01-05T15:00:00Z", 7000),
            Quarter("2026-01-06T10:00:00Z", 6000),
        ];
        var evaluated = new TimeRange(Brussels.StartOf(new DateOnly(2026, 1, 5)), Brussels.StartOf(new DateOnly(2026, 1, 7)));
        var seam = At("2026-01-05T12:00:00Z"); // mid-day: the day is split between the two stretches

        var whole = MonthFigures.DailyPeaks(quarters, [], evaluated, Brussels);
        var joined = MonthFigures.JoinDays(
            MonthFigures.DailyPeaks(quarters[..2], [], new TimeRange(evaluated.Start, seam), Brussels),
            MonthFigures.DailyPeaks(quarters[2..], [], new TimeRange(seam, evaluated.End), Brussels));

        Assert.Equal(whole, joined);
        Assert.Equal(7000, joined[0].Peak!.Value.AveragePowerW);
        Assert.Equal(
            MonthFigures.TopQuarters(quarters),
            MonthFigures.TopQuarters(MonthFigures.TopQuarters(quarters[..2]).Concat(MonthFigures.TopQuarters(quarters[2..]))));
    }

    [Fact]
    public void An_empty_range_has_no_days()
    {
        var instant = At("2026-01-05T12:00:00Z");

        Assert.Empty(MonthFigures.DailyPeaks([], [], new TimeRange(instant, instant), Brussels));
    }
}
