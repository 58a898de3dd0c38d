using P1Telemetry.Contracts.Domain;

namespace P1Telemetry.Contracts.Tests;

public sealed class QuarterHourTests
{
    [Theory]
    [InlineData("2026-03-29T00:59:59.999+00:00", "2026-03-29T00:45:00+00:00")]
    [InlineData("2026-03-29T01:00:00+00:00", "2026-03-29T01:00:00+00:00")]
    [InlineData("2026-03-29T03:14:00+02:00", "2026-03-29T01:00:00+00:00")]
    [InlineData("2026-10-25T02:30:00+01:00", "2026-10-25T01:30:00+00:00")]
    public void StartOf_floors_to_the_utc_quarter(string instant, string expected)
    {
        Assert.Equal(DateTimeOffset.Parse(expected), QuarterHour.StartOf(DateTimeOffset.Parse(instant)));
        Assert.Equal(TimeSpan.Zero, QuarterHour.StartOf(DateTimeOffset.Parse(instant)).Offset);
    }
}
