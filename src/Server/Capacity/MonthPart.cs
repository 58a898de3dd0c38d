using System.Text.Json.Serialization;
using P1Telemetry.Contracts.Domain;

namespace P1Telemetry.Server.Capacity;

/// <summary>
/// The quarter values of one stretch of a local month, reduced to what the month view needs: the quarters
/// already written as the JSON array of the response, their peak, the gaps and the summed rollup rows. A month
/// is its settled days (computed once and cached) followed by today (computed on every request).
/// </summary>
/// <param name="Evaluated">The quarters evaluated.</param>
/// <param name="QuarterCount">How many quarters of <paramref name="Evaluated"/> the data covers.</param>
/// <param name="Peak">The highest quarter, earliest on a tie; null when none is covered.</param>
/// <param name="Gaps">Runs of uncovered quarters, in time order.</param>
/// <param name="Total">The rollup rows that start in the stretch, summed; null without rows.</param>
/// <param name="PeaksJson">The covered quarters as a JSON array of <see cref="QuarterPeak"/>.</param>
/// <param name="Top">The highest quarters, highest first (<see cref="MonthFigures.TopQuarters"/>).</param>
/// <param name="Days">The highest quarter of each local day (<see cref="MonthFigures.DailyPeaks"/>).</param>
public sealed record MonthPart(
    TimeRange Evaluated,
    int QuarterCount,
    QuarterValue? Peak,
    IReadOnlyList<TimeRange> Gaps,
    QuarterSlot? Total,
    ReadOnlyMemory<byte> PeaksJson,
    IReadOnlyList<QuarterValue> Top,
    IReadOnlyList<DailyPeak> Days)
{
    /// <summary>The number of quarters inside <see cref="Gaps"/>.</summary>
    [JsonIgnore]
    public int GapQuarters => Gaps.Sum(gap => gap.Quarters);

    /// <summary>An empty stretch at <paramref name="instant"/>.</summary>
    public static MonthPart Empty(DateTimeOffset instant) =>
        new(new TimeRange(instant, instant), 0, null, [], null, QuarterPeaksJson.EmptyArray, [], []);

    /// <summary>
    /// Evaluates the quarters of <paramref name="evaluated"/> and sums the rollup rows that start in it into
    /// <see cref="Total"/>, or up to <paramref name="sumRowsUntil"/> when the rows run past the evaluated quarters
    /// (the quarter in progress has a row too, which its energy so far belongs to).
    /// </summary>
    /// <param name="slots">Rollup rows ordered by start, with the row just before and just after <paramref name="evaluated"/>.</param>
    /// <param name="evaluated">The quarters to evaluate.</param>
    /// <param name="calendar">The device's calendar, which the days of <see cref="Days"/> belong to.</param>
    /// <param name="writePeaks">False when only the summary is needed (a month digest): the peaks array, the top
    /// quarters and the days stay empty.</param>
    /// <param name="sumRowsUntil">Where the summed rows end, at or after the end of <paramref name="evaluated"/>.</param>
    public static MonthPart Compute(IReadOnlyList<QuarterSlot> slots, TimeRange evaluated, LocalCalendar calendar,
        bool writePeaks = true, DateTimeOffset? sumRowsUntil = null)
    {
        var analysis = QuarterValues.Compute(slots, evaluated);
        return new MonthPart(
            evaluated,
            analysis.Quarters.Count,
            analysis.Peak,
            analysis.Gaps,
            SlotSums.Sum(slots, new TimeRange(evaluated.Start, sumRowsUntil ?? evaluated.End)),
            writePeaks ? QuarterPeaksJson.Write(analysis.Quarters) : QuarterPeaksJson.EmptyArray,
            writePeaks ? MonthFigures.TopQuarters(analysis.Quarters) : [],
            writePeaks ? MonthFigures.DailyPeaks(analysis.Quarters, analysis.Gaps, evaluated, calendar) : []);
    }

    /// <summary>This stretch followed by <paramref name="next"/>, which starts where this one ends.</summary>
    public MonthPart Append(MonthPart next)
    {
        ArgumentNullException.ThrowIfNull(next);
        if (next.Evaluated.Start != Evaluated.End)
        {
            throw new ArgumentException($"The next part starts at {next.Evaluated.Start:O}, not at {Evaluated.End:O}.", nameof(next));
        }

        return new MonthPart(
            new TimeRange(Evaluated.Start, next.Evaluated.End),
            QuarterCount + next.QuarterCount,
            Peak is { } mine && (next.Peak is not { } theirs || mine.AveragePowerW >= theirs.AveragePowerW) ? Peak : next.Peak,
            JoinGaps(Gaps, next.Gaps),
            SlotSums.Add(Total, next.Total),
            QuarterPeaksJson.Concat(PeaksJson, next.PeaksJson),
            MonthFigures.TopQuarters(Top.Concat(next.Top)),
            MonthFigures.JoinDays(Days, next.Days));
    }

    // A gap that runs up to the seam and one that starts there are one gap.
    private static List<TimeRange> JoinGaps(IReadOnlyList<TimeRange> first, IReadOnlyList<TimeRange> second)
    {
        var gaps = new List<TimeRange>(first.Count + second.Count);
        gaps.AddRange(first);
        foreach (var gap in second)
        {
            if (gaps.Count > 0 && gaps[^1].End == gap.Start)
            {
                gaps[^1] = gaps[^1] with { End = gap.End };
            }
            else
            {
                gaps.Add(gap);
            }
        }

        return gaps;
    }
}
