using P1Telemetry.Contracts.Domain;
using static P1Telemetry.Contracts.Tests.Domain.Rollup;

namespace P1Telemetry.Contracts.Tests.Domain;

public sealed class RegisterTimelineTests
{
    private static readonly TimeSpan FiveMinutes = TimeSpan.FromMinutes(5);

    private static RegisterTimeline Timeline() => new(Of(
    [
        new Reading(At("2026-01-01T10:00:00Z"), 100.000, 0, 5.0),
        new Reading(At("2026-01-01T10:14:50Z"), 100.490, 0, 5.0),
        new Reading(At("2026-01-01T10:15:10Z"), 100.510, 0, 5.2),
        new Reading(At("2026-01-01T10:29:40Z"), 101.000, 0, 5.2),
        new Reading(At("2026-01-01T12:07:00Z"), 111.000, 0, 5.2),
    ]));

    [Fact]
    public void A_reading_at_the_instant_is_used_as_is()
    {
        Assert.Equal(100.000, Timeline().ImportAt(At("2026-01-01T10:00:00Z"), FiveMinutes));
        Assert.Equal(5.2, Timeline().ExportAt(At("2026-01-01T10:15:10Z"), FiveMinutes));
    }

    [Fact]
    public void Between_readings_the_register_is_interpolated_linearly()
    {
        // 10:15:00 lies halfway between 10:14:50 (100.490) and 10:15:10 (100.510).
        Assert.Equal(100.500, Timeline().ImportAt(At("2026-01-01T10:15:00Z"), FiveMinutes)!.Value, 9);
        Assert.Equal(5.1, Timeline().ExportAt(At("2026-01-01T10:15:00Z"), FiveMinutes)!.Value, 9);
    }

    [Fact]
    public void Outside_the_data_and_across_long_gaps_nothing_is_invented()
    {
        var timeline = Timeline();
        Assert.Null(timeline.ImportAt(At("2026-01-01T09:59:59Z"), FiveMinutes));
        Assert.Null(timeline.ImportAt(At("2026-01-01T12:07:01Z"), FiveMinutes));
        Assert.Null(timeline.ImportAt(At("2026-01-01T11:00:00Z"), FiveMinutes));
    }

    [Fact]
    public void The_clamped_register_spans_gaps_and_holds_at_the_edges()
    {
        var timeline = Timeline();
        Assert.Equal(100.000, timeline.ImportAtClamped(At("2026-01-01T09:00:00Z")));
        Assert.Equal(111.000, timeline.ImportAtClamped(At("2026-01-01T13:00:00Z")));
        // 10:29:40 → 12:07:00 is 5840 s with 10 kWh; 11:00:00 is 1820 s in.
        Assert.Equal(101.0 + (10.0 * 1820 / 5840), timeline.ImportAtClamped(At("2026-01-01T11:00:00Z")), 9);
        Assert.Equal(At("2026-01-01T10:00:00Z"), timeline.First);
        Assert.Equal(At("2026-01-01T12:07:00Z"), timeline.Last);
        Assert.Equal(5, timeline.Count);
    }

    [Fact]
    public void An_empty_timeline_has_no_values()
    {
        var timeline = new RegisterTimeline([]);
        Assert.Null(timeline.ImportAt(Utc0, FiveMinutes));
        Assert.Equal(0, timeline.ImportAtClamped(Utc0));
        Assert.Null(timeline.First);
    }
}
