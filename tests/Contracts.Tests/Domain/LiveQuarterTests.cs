using P1Telemetry.Contracts.Domain;
using static P1Telemetry.Contracts.Tests.Domain.Rollup;

namespace P1Telemetry.Contracts.Tests.Domain;

public sealed class LiveQuarterTests
{
    [Fact]
    public void Energy_so_far_projection_and_headroom_are_computed_from_the_register()
    {
        // The register passes 100.000 kWh exactly at 10:15 (interpolated) and reads 100.300 at 10:21:00.
        Reading[] readings =
        [
            new(At("2026-01-01T10:14:50Z"), 99.990, 3600),
            new(At("2026-01-01T10:15:10Z"), 100.010, 3600),
            new(At("2026-01-01T10:21:00Z"), 100.300, 3600),
        ];
        var now = At("2026-01-01T10:21:30Z");

        var live = LiveQuarter.Compute(now, Of(readings), new LatestReading(At("2026-01-01T10:21:00Z"), 100.300, 3600), 4000);

        // So far: 0.300 kWh + 3.6 kW × 30 s = 0.330 kWh → × 4 = 1320 W.
        // Projection: 0.330 + 3.6 kW × 510 s = 0.840 kWh → 3360 W; headroom to the 4000 W peak: 640 W.
        Assert.Equal(At("2026-01-01T10:15:00Z"), live.Start);
        Assert.Equal(At("2026-01-01T10:30:00Z"), live.End);
        Assert.Equal(390, live.ElapsedSeconds);
        Assert.Equal(1320, live.AveragePowerSoFarW, 6);
        Assert.Equal(3360, live.ProjectedAveragePowerW, 6);
        Assert.Equal(4000, live.MonthPeakSoFarW);
        Assert.Equal(640, live.HeadroomW, 6);
    }

    [Fact]
    public void Without_a_peak_yet_the_headroom_is_measured_against_the_billed_minimum()
    {
        Reading[] readings = [new(At("2026-01-31T23:00:00Z"), 5.000, 0), new(At("2026-01-31T23:05:00Z"), 5.050, 600)];
        var now = At("2026-01-31T23:05:00Z");

        var live = LiveQuarter.Compute(now, Of(readings), new LatestReading(now, 5.050, 600), null);

        // 0.050 kWh so far → 200 W; 600 W for 10 more minutes adds 0.100 kWh → 600 W projected; 2500 − 600.
        Assert.Equal(200, live.AveragePowerSoFarW, 6);
        Assert.Equal(600, live.ProjectedAveragePowerW, 6);
        Assert.Null(live.MonthPeakSoFarW);
        Assert.Equal(1900, live.HeadroomW, 6);
    }

    [Fact]
    public void Before_the_first_reading_of_the_quarter_the_current_power_is_assumed_since_its_start()
    {
        var latest = new LatestReading(At("2026-01-01T10:14:59Z"), 50, 6000);
        var now = At("2026-01-01T10:15:03Z");

        var live = LiveQuarter.Compute(now, [], latest, 8000);

        // 6 kW × 3 s = 0.005 kWh → 20 W so far; the whole quarter at 6 kW projects 6000 W.
        Assert.Equal(3, live.ElapsedSeconds);
        Assert.Equal(20, live.AveragePowerSoFarW, 6);
        Assert.Equal(6000, live.ProjectedAveragePowerW, 6);
        Assert.Equal(2000, live.HeadroomW, 6);
    }

    [Fact]
    public void Exporting_projects_no_offtake()
    {
        Reading[] readings = [new(At("2026-01-01T10:00:00Z"), 7.000, -2000), new(At("2026-01-01T10:05:00Z"), 7.000, -2000)];
        var now = At("2026-01-01T10:05:00Z");

        var live = LiveQuarter.Compute(now, Of(readings), new LatestReading(now, 7.000, -2000), 3000);

        Assert.Equal(0, live.ProjectedAveragePowerW);
        Assert.Equal(3000, live.HeadroomW);
    }
}
