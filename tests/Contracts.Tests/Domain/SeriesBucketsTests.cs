using P1Telemetry.Contracts.Domain;
using static P1Telemetry.Contracts.Tests.Domain.Rollup;

namespace P1Telemetry.Contracts.Tests.Domain;

public sealed class SeriesBucketsTests
{
    private static readonly LocalCalendar Brussels = LocalCalendar.ForZone("Europe/Brussels");

    private static List<QuarterSlot> SlotsAround(TimeRange frame, List<Reading> readings) =>
        Of(readings.Where(r => r.Ts >= frame.Start - QuarterHour.Length && r.Ts < frame.End + QuarterHour.Length));

    [Fact]
    public void Bucket_energies_add_up_to_the_register_delta_over_the_frame()
    {
        var frame = Brussels.Day(new DateOnly(2026, 1, 10));
        var readings = Steady(frame.Start.AddHours(-3), frame.End.AddHours(3), ts => (ts.Hour * 211 % 4000) - 500, intervalS: 10).ToList();

        var buckets = SeriesBuckets.Aggregate(SlotsAround(frame, readings), SeriesBuckets.Boundaries(Brussels, frame, SeriesBucketSize.Hour), Brussels);

        var atStart = readings.Single(r => r.Ts == frame.Start);
        var atEnd = readings.Single(r => r.Ts == frame.End);
        Assert.Equal(24, buckets.Count);
        Assert.Equal(atEnd.ImportKwh - atStart.ImportKwh, buckets.Sum(b => b.EnergyImportKwh), 9);
        Assert.Equal(atEnd.ExportKwh - atStart.ExportKwh, buckets.Sum(b => b.EnergyExportKwh), 9);
        Assert.Equal(360, buckets[0].SampleCount);
    }

    [Fact]
    public void Averages_and_maxima_are_of_net_power()
    {
        var frame = Brussels.Day(new DateOnly(2026, 1, 10));
        // First local hour (23:00Z): 30 minutes at 2000 W, 30 minutes exporting 1000 W.
        var readings = Steady(frame.Start, frame.Start.AddHours(1).AddSeconds(1), ts => ts.Minute < 30 ? 2000 : -1000).ToList();

        var bucket = SeriesBuckets.Aggregate(Of(readings), SeriesBuckets.Boundaries(Brussels, frame, SeriesBucketSize.Hour), Brussels)[0];

        Assert.Equal(500, bucket.AvgPowerW!.Value, 1);
        Assert.Equal(2000, bucket.MaxPowerW);
        Assert.Equal(1.0, bucket.EnergyImportKwh, 9);
        Assert.Equal(0.5, bucket.EnergyExportKwh, 9);
        Assert.Equal(new DateTimeOffset(2026, 1, 10, 0, 0, 0, TimeSpan.FromHours(1)), bucket.Start);
        Assert.Equal(TimeSpan.FromHours(1), bucket.Start.Offset);
    }

    [Fact]
    public void The_autumn_DST_day_has_25_hourly_buckets_with_the_local_offset()
    {
        var frame = Brussels.Day(new DateOnly(2026, 10, 25));
        var readings = Steady(frame.Start, frame.End.AddSeconds(1), _ => 1000, intervalS: 60).ToList();

        var buckets = SeriesBuckets.Aggregate(Of(readings), SeriesBuckets.Boundaries(Brussels, frame, SeriesBucketSize.Hour), Brussels);

        Assert.Equal(25, buckets.Count);
        Assert.Equal("2026-10-25T02:00:00+02:00", buckets[2].Start.ToString("yyyy-MM-ddTHH:mm:sszzz", null));
        Assert.Equal("2026-10-25T02:00:00+01:00", buckets[3].Start.ToString("yyyy-MM-ddTHH:mm:sszzz", null));
        Assert.All(buckets, b => Assert.Equal(1.0, b.EnergyImportKwh, 9));
    }

    [Fact]
    public void The_spring_DST_day_has_23_hourly_buckets()
    {
        var frame = Brussels.Day(new DateOnly(2026, 3, 29));

        var boundaries = SeriesBuckets.Boundaries(Brussels, frame, SeriesBucketSize.Hour);

        Assert.Equal(24, boundaries.Count);
        Assert.Equal(3, Brussels.ToLocal(boundaries[2]).Hour);
    }

    [Fact]
    public void Weeks_in_a_month_frame_are_clipped_to_the_month()
    {
        var frame = Brussels.Month(new LocalMonth(2026, 3));

        var boundaries = SeriesBuckets.Boundaries(Brussels, frame, SeriesBucketSize.Week).Select(b => Brussels.DateOf(b)).ToList();

        // 1 March 2026 is a Sunday; the last bucket runs from Monday 30 March to the month's end.
        Assert.Equal(
            [new(2026, 3, 1), new(2026, 3, 2), new(2026, 3, 9), new(2026, 3, 16), new(2026, 3, 23), new(2026, 3, 30), new DateOnly(2026, 4, 1)],
            boundaries);
    }

    [Fact]
    public void Year_frames_split_into_local_months_and_days()
    {
        var year = Brussels.Year(2026);

        var months = SeriesBuckets.Boundaries(Brussels, year, SeriesBucketSize.Month);
        var days = SeriesBuckets.Boundaries(Brussels, year, SeriesBucketSize.Day);

        Assert.Equal(13, months.Count);
        Assert.Equal(At("2026-03-31T22:00:00Z"), months[3]);
        Assert.Equal(366, days.Count);
    }

    [Fact]
    public void Energy_used_during_a_gap_is_spread_over_it_and_still_adds_up()
    {
        var frame = Brussels.Day(new DateOnly(2026, 1, 10));
        var first = Steady(frame.Start, frame.Start.AddHours(2).AddSeconds(1), _ => 1200, startKwh: 10).ToList();
        // Silent from 02:00 to 05:00 local while 6 kWh were used, then 1200 W again until 06:00.
        var resumed = Steady(frame.Start.AddHours(5), frame.Start.AddHours(6).AddSeconds(1), _ => 1200, startKwh: first[^1].ImportKwh + 6).ToList();

        var buckets = SeriesBuckets.Aggregate(Of(first.Concat(resumed)), SeriesBuckets.Boundaries(Brussels, frame, SeriesBucketSize.Hour), Brussels);

        // The readings at 02:00 and 06:00 sit in the buckets they open; the latter holds nothing else.
        Assert.Equal(7, buckets.Count);
        Assert.Equal([1.2, 1.2, 2.0, 2.0, 2.0, 1.2, 0], buckets.Select(b => Math.Round(b.EnergyImportKwh, 9)));
        Assert.Equal([false, false, false, true, true, false, false], buckets.Select(b => b.AvgPowerW is null));
        Assert.Equal(resumed[^1].ImportKwh - first[0].ImportKwh, buckets.Sum(b => b.EnergyImportKwh), 9);
    }

    [Fact]
    public void Without_data_the_series_is_empty()
    {
        var frame = Brussels.Day(new DateOnly(2026, 1, 10));

        Assert.Empty(SeriesBuckets.Aggregate([], SeriesBuckets.Boundaries(Brussels, frame, SeriesBucketSize.Hour), Brussels));
    }
}
