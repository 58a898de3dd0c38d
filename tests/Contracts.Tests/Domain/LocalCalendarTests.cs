using P1Telemetry.Contracts.Domain;
using static P1Telemetry.Contracts.Tests.Domain.Rollup;

namespace P1Telemetry.Contracts.Tests.Domain;

public sealed class LocalCalendarTests
{
    private static readonly LocalCalendar Brussels = LocalCalendar.ForZone("Europe/Brussels");

    [Fact]
    public void Months_run_from_local_midnight_to_local_midnight()
    {
        var march = Brussels.Month(new LocalMonth(2026, 3));

        Assert.Equal(At("2026-02-28T23:00:00Z"), march.Start);
        Assert.Equal(At("2026-03-31T22:00:00Z"), march.End);
        // 31 days less the hour skipped on 29 March.
        Assert.Equal((31 * 96) - 4, march.Quarters);
        Assert.Equal((31 * 96) + 4, Brussels.Month(new LocalMonth(2026, 10)).Quarters);
    }

    [Fact]
    public void Years_and_ISO_weeks_follow_local_time()
    {
        Assert.Equal(new TimeRange(At("2025-12-31T23:00:00Z"), At("2026-12-31T23:00:00Z")), Brussels.Year(2026));
        // Sunday 29 March 2026 belongs to the week that started on Monday 23 March (UTC+1) and ends on Monday 30 March (UTC+2).
        Assert.Equal(new TimeRange(At("2026-03-22T23:00:00Z"), At("2026-03-29T22:00:00Z")), Brussels.Week(new DateOnly(2026, 3, 29)));
    }

    [Theory]
    [InlineData("2026-02-28T22:59:59Z", 2026, 2)]
    [InlineData("2026-02-28T23:00:00Z", 2026, 3)]
    [InlineData("2026-12-31T23:30:00Z", 2027, 1)]
    public void The_local_month_of_an_instant(string instant, int year, int month) =>
        Assert.Equal(new LocalMonth(year, month), Brussels.MonthOf(At(instant)));

    [Fact]
    public void A_skipped_local_midnight_starts_the_day_when_the_clock_resumes()
    {
        // Springs forward at midnight on the first Sunday of September, as Chile does.
        var calendar = new LocalCalendar(Zone(springForward: new DateTime(1, 1, 1, 0, 0, 0), fallBack: new DateTime(1, 1, 1, 0, 0, 0)));

        var day = calendar.Day(new DateOnly(2026, 9, 6));

        // 00:00 local (UTC-4) never happens: the day starts at 01:00 local (UTC-3) = 04:00Z and has 23 hours.
        Assert.Equal(At("2026-09-06T04:00:00Z"), day.Start);
        Assert.Equal(TimeSpan.FromHours(23), day.Duration);
    }

    [Fact]
    public void A_repeated_local_midnight_starts_the_day_at_its_first_occurrence()
    {
        // Falls back from 01:00 to 00:00 on the first Sunday of April: 00:00–01:00 happens twice.
        var calendar = new LocalCalendar(Zone(springForward: new DateTime(1, 1, 1, 0, 0, 0), fallBack: new DateTime(1, 1, 1, 1, 0, 0)));

        var day = calendar.Day(new DateOnly(2026, 4, 5));

        Assert.Equal(At("2026-04-05T03:00:00Z"), day.Start);
        Assert.Equal(TimeSpan.FromHours(25), day.Duration);
    }

    private static TimeZoneInfo Zone(DateTime springForward, DateTime fallBack)
    {
        var rule = TimeZoneInfo.AdjustmentRule.CreateAdjustmentRule(
            DateTime.MinValue.Date,
            DateTime.MaxValue.Date,
            TimeSpan.FromHours(1),
            TimeZoneInfo.TransitionTime.CreateFloatingDateRule(springForward, 9, 1, DayOfWeek.Sunday),
            TimeZoneInfo.TransitionTime.CreateFloatingDateRule(fallBack, 4, 1, DayOfWeek.Sunday));
        return TimeZoneInfo.CreateCustomTimeZone("Test/Midnight", TimeSpan.FromHours(-4), "Test", "Test", "Test DST", [rule]);
    }

    [Theory]
    [InlineData("2026-03", true)]
    [InlineData("0001-01", true)]
    [InlineData("2026-13", false)]
    [InlineData("2026-00", false)]
    [InlineData("2026-3", false)]
    [InlineData("2026/03", false)]
    [InlineData("+026-03", false)]
    [InlineData("2026-03-01", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Months_parse_only_as_YYYY_MM(string? text, bool valid)
    {
        Assert.Equal(valid, LocalMonth.TryParse(text, out var month));
        if (valid)
        {
            Assert.Equal(text, month.ToString());
        }
    }

    [Fact]
    public void Month_arithmetic_crosses_years()
    {
        Assert.Equal(new LocalMonth(2025, 12), new LocalMonth(2026, 1).AddMonths(-1));
        Assert.Equal(new LocalMonth(2027, 2), new LocalMonth(2026, 3).AddMonths(11));
        Assert.True(new LocalMonth(2025, 12) < new LocalMonth(2026, 1));
    }
}
