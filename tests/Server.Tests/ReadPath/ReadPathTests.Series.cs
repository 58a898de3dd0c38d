using System.Text.Json;
using static P1Telemetry.Server.Tests.ReadPath.ReadSamples;

namespace P1Telemetry.Server.Tests.ReadPath;

public abstract partial class ReadPathTests
{
    [Fact]
    public async Task Hourly_buckets_of_a_day_add_up_to_the_register_delta()
    {
        await LoadMonthBoundaryAsync();

        var day = await GetJsonAsync($"/v1/series?device_id={Device}&frame=day&date=2026-03-01");

        Assert.Equal("day", day.GetProperty("frame").GetString());
        Assert.Equal("hour", day.GetProperty("bucket").GetString());
        var series = day.GetProperty("series").EnumerateArray().ToList();
        // 00:00–01:00 local: 45 min at 800 W and 15 min at 7200 W; 01:00–02:00: 800 W; 02:00 holds the last reading.
        Assert.Equal(["2026-03-01T00:00:00+01:00", "2026-03-01T01:00:00+01:00", "2026-03-01T02:00:00+01:00"],
            series.Select(b => b.GetProperty("start").GetString()));
        Assert.Equal(2.4, series[0].GetProperty("energy_import_kwh").GetDouble(), 6);
        Assert.Equal(2400, series[0].GetProperty("avg_power_w").GetDouble(), 1);
        Assert.Equal(7200, series[0].GetProperty("max_power_w").GetInt64());
        Assert.Equal(3600, series[0].GetProperty("samples").GetInt64());
        // Register at 01:00Z minus register at 23:00Z (the local day starts there).
        Assert.Equal(3.2, series.Sum(b => b.GetProperty("energy_import_kwh").GetDouble()), 6);
    }

    [Fact]
    public async Task Month_year_and_all_frames_default_to_weeks_and_months_with_consistent_totals()
    {
        await LoadMonthBoundaryAsync();

        var month = await GetJsonAsync($"/v1/series?device_id={Device}&frame=month&date=2026-03-15");
        var year = await GetJsonAsync($"/v1/series?device_id={Device}&frame=year&date=2026-06-01");
        var all = await GetJsonAsync($"/v1/series?device_id={Device}&frame=all");

        Assert.Equal("week", month.GetProperty("bucket").GetString());
        // 1 March 2026 is a Sunday: the first week bucket is clipped to the month.
        var week = Assert.Single(month.GetProperty("series").EnumerateArray());
        Assert.Equal("2026-03-02T00:00:00+01:00", week.GetProperty("end").GetString());
        Assert.Equal(3.2, week.GetProperty("energy_import_kwh").GetDouble(), 6);

        foreach (var frame in new[] { year, all })
        {
            Assert.Equal("month", frame.GetProperty("bucket").GetString());
            var buckets = frame.GetProperty("series").EnumerateArray().ToList();
            Assert.Equal(["2026-02-01T00:00:00+01:00", "2026-03-01T00:00:00+01:00"], buckets.Select(b => b.GetProperty("start").GetString()));
            Assert.Equal([0.8, 3.2], buckets.Select(b => Math.Round(b.GetProperty("energy_import_kwh").GetDouble(), 6)));
        }
    }

    [Fact]
    public async Task The_autumn_DST_day_has_25_hourly_buckets_with_their_offsets()
    {
        await Server.Store.LoadAsync(Steady(Device, Utc("2026-10-24T22:00:00Z"), Utc("2026-10-25T23:00:00Z"), _ => 1000, stepSeconds: 60));
        Server.Clock.AdjustTime(Utc("2026-11-02T12:00:00Z"));

        var day = await GetJsonAsync($"/v1/series?device_id={Device}&frame=day&date=2026-10-25");

        var buckets = day.GetProperty("series").EnumerateArray().ToList();
        Assert.Equal(25, buckets.Count);
        Assert.Equal("2026-10-25T02:00:00+02:00", buckets[2].GetProperty("start").GetString());
        Assert.Equal("2026-10-25T02:00:00+01:00", buckets[3].GetProperty("start").GetString());
        Assert.All(buckets, b => Assert.Equal(1.0, b.GetProperty("energy_import_kwh").GetDouble(), 6));
    }

    [Fact]
    public async Task Without_data_the_series_is_empty()
    {
        Server.Clock.AdjustTime(Utc("2026-03-15T12:00:00Z"));

        foreach (var frame in new[] { "day", "month", "year", "all" })
        {
            var response = await GetJsonAsync($"/v1/series?device_id={Device}&frame={frame}");
            Assert.Equal(0, response.GetProperty("series").GetArrayLength());
        }

        Assert.Equal(JsonValueKind.Null, (await GetJsonAsync($"/v1/series?device_id={Device}&frame=all")).GetProperty("from").ValueKind);
    }
}
