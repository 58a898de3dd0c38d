using P1Telemetry.Contracts.Domain;

namespace P1Telemetry.Edge.Tests;

/// <summary>Meter local time → UTC around the 2026 _brussels DST transitions.</summary>
public sealed class MeterLocalTimeTests
{
    private static readonly TimeZoneInfo _brussels = TimeZoneInfo.FindSystemTimeZoneById("Europe/Brussels");

    private static DateTimeOffset Utc(int mo, int d, int h, int mi, int s = 0) => new(2026, mo, d, h, mi, s, TimeSpan.Zero);

    [Theory]
    [InlineData(1, 59, 59, 0, 59, 59)] // CET, just before the gap
    [InlineData(3, 0, 0, 1, 0, 0)] // CEST, just after
    public void Around_the_spring_gap_each_side_uses_its_own_offset(int h, int mi, int s, int uh, int umi, int us)
    {
        var local = new DateTime(2026, 3, 29, h, mi, s);

        Assert.Equal(Utc(3, 29, uh, umi, us), MeterLocalTime.ToUtc(local, _brussels, Utc(3, 29, 1, 0)));
    }

    [Fact]
    public void A_time_inside_the_spring_gap_resolves_to_the_offset_nearest_the_edge_clock()
    {
        var local = new DateTime(2026, 3, 29, 2, 30, 0); // does not exist in _brussels

        // A meter that has not switched yet shows 02:30 at 01:30Z; one that switched early at 00:30Z.
        Assert.Equal(Utc(3, 29, 1, 30), MeterLocalTime.ToUtc(local, _brussels, Utc(3, 29, 1, 30, 5)));
        Assert.Equal(Utc(3, 29, 0, 30), MeterLocalTime.ToUtc(local, _brussels, Utc(3, 29, 0, 30, 5)));
    }

    [Fact]
    public void In_the_repeated_autumn_hour_the_offset_nearest_the_edge_clock_wins()
    {
        var local = new DateTime(2026, 10, 25, 2, 30, 0); // occurs at 00:30Z (CEST) and 01:30Z (CET)

        Assert.Equal(Utc(10, 25, 0, 30), MeterLocalTime.ToUtc(local, _brussels, Utc(10, 25, 0, 30, 1)));
        Assert.Equal(Utc(10, 25, 1, 30), MeterLocalTime.ToUtc(local, _brussels, Utc(10, 25, 1, 30, 1)));
        // A reading that arrives late still lands on the nearer of the two instants.
        Assert.Equal(Utc(10, 25, 1, 30), MeterLocalTime.ToUtc(local, _brussels, Utc(10, 25, 1, 10)));
    }

    [Fact]
    public void Ordinary_times_ignore_the_reference()
    {
        var summer = new DateTime(2026, 7, 1, 12, 0, 0);

        Assert.Equal(Utc(7, 1, 10, 0), MeterLocalTime.ToUtc(summer, _brussels, Utc(1, 1, 0, 0)));
    }

    [Theory]
    [InlineData(260326193000L, "2026-03-26T19:30:00")]
    [InlineData(210606140010L, "2021-06-06T14:00:10")]
    public void Compact_v1_timestamps_parse(long compact, string expected)
    {
        Assert.True(MeterLocalTime.TryParseCompact(compact, out var local));
        Assert.Equal(DateTime.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), local);
    }

    [Theory]
    [InlineData(261399000000L)]
    [InlineData(-1L)]
    public void Impossible_compact_timestamps_are_refused(long compact)
    {
        Assert.False(MeterLocalTime.TryParseCompact(compact, out _));
    }
}
