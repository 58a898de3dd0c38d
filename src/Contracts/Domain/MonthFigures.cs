namespace P1Telemetry.Contracts.Domain;

/// <summary>
/// The month view's rankings of its quarter values: the highest quarters of the month and the highest quarter
/// of each local day. A month is evaluated in stretches (settled days, then today), so each figure can also be
/// joined from the figures of two consecutive stretches.
/// </summary>
public static class MonthFigures
{
    /// <summary>How many quarters the month's ranking lists.</summary>
    public const int TopCount = 5;

    /// <summary>The <paramref name="count"/> highest quarters, highest first; the earlier one first on a tie.</summary>
    public static IReadOnlyList<QuarterValue> TopQuarters(IEnumerable<QuarterValue> quarters, int count = TopCount)
    {
        ArgumentNullException.ThrowIfNull(quarters);
        return [.. quarters.OrderByDescending(q => q.AveragePowerW).ThenBy(q => q.Start).Take(count)];
    }

    /// <summary>
    /// One entry per local day that <paramref name="evaluated"/> touches, in date order, days without data
    /// included (their peak is null), each with the gap quarters that fall inside it.
    /// </summary>
    /// <param name="quarters">The covered quarters of <paramref name="evaluated"/>, in time order.</param>
    /// <param name="gaps">The uncovered quarters of <paramref name="evaluated"/> as merged ranges.</param>
    /// <param name="evaluated">The quarters evaluated.</param>
    /// <param name="calendar">The local calendar the days belong to.</param>
    public static IReadOnlyList<DailyPeak> DailyPeaks(
        IReadOnlyList<QuarterValue> quarters, IReadOnlyList<TimeRange> gaps, TimeRange evaluated, LocalCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(quarters);
        ArgumentNullException.ThrowIfNull(gaps);
        ArgumentNullException.ThrowIfNull(calendar);
        var days = new List<DailyPeak>();
        if (evaluated.End <= evaluated.Start)
        {
            return days;
        }

        var index = 0;
        for (var date = calendar.DateOf(evaluated.Start); calendar.StartOf(date) < evaluated.End; date = date.AddDays(1))
        {
            var day = calendar.Day(date);
            var part = new TimeRange(Max(day.Start, evaluated.Start), Min(day.End, evaluated.End));
            QuarterValue? peak = null;
            while (index < quarters.Count && quarters[index].Start < part.End)
            {
                if (quarters[index].Start >= part.Start && (peak is not { } known || quarters[index].AveragePowerW > known.AveragePowerW))
                {
                    peak = quarters[index];
                }

                index++;
            }

            var gapQuarters = 0;
            foreach (var gap in gaps)
            {
                var start = Max(gap.Start, part.Start);
                var end = Min(gap.End, part.End);
                if (end > start)
                {
                    gapQuarters += new TimeRange(start, end).Quarters;
                }
            }

            days.Add(new DailyPeak(date, peak, gapQuarters));
        }

        return days;
    }

    /// <summary>The days of a stretch followed by those of the next one; a day split between the two is one day.</summary>
    public static IReadOnlyList<DailyPeak> JoinDays(IReadOnlyList<DailyPeak> first, IReadOnlyList<DailyPeak> second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        var days = new List<DailyPeak>(first.Count + second.Count);
        days.AddRange(first);
        foreach (var day in second)
        {
            if (days.Count > 0 && days[^1].Date == day.Date)
            {
                var earlier = days[^1];
                var peak = earlier.Peak is { } mine && (day.Peak is not { } theirs || mine.AveragePowerW >= theirs.AveragePowerW)
                    ? earlier.Peak
                    : day.Peak;
                days[^1] = new DailyPeak(day.Date, peak, earlier.GapQuarters + day.GapQuarters);
            }
            else
            {
                days.Add(day);
            }
        }

        return days;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
