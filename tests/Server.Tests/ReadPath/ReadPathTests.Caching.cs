using Microsoft.Extensions.DependencyInjection;
using P1Telemetry.Server.Caching;
using P1Telemetry.Server.Tests.Support;
using static P1Telemetry.Server.Tests.ReadPath.ReadSamples;

namespace P1Telemetry.Server.Tests.ReadPath;

public abstract partial class ReadPathTests
{
    [Fact]
    public async Task A_backlog_upload_into_a_cached_month_makes_it_fresh_while_live_uploads_keep_the_cache()
    {
        await LoadMonthBoundaryAsync();
        var stamps = Server.Services.GetRequiredService<DeviceStampStore>();
        using var client = Client();
        Assert.Equal(800, (await GetJsonAsync($"/v1/capacity/month/2026-02?device_id={Device}")).GetProperty("monthly_peak_w").GetDouble(), 1);
        var stamp = (await stamps.ReadAsync(Device, default)).History;

        // Live data of today does not touch a settled period.
        await client.IngestAsync(Steady(Device, Utc("2026-03-15T11:50:00Z"), Utc("2026-03-15T11:59:59Z"), _ => 300, startKwh: 2000));
        Assert.Equal(stamp, (await stamps.ReadAsync(Device, default)).History);

        // The edge uploads a backlog from February: a quarter at 9 kW.
        await client.IngestAsync(Steady(Device, Utc("2026-02-10T12:00:00Z"), Utc("2026-02-10T12:15:00Z"), _ => 9000, startKwh: 900));

        Assert.NotEqual(stamp, (await stamps.ReadAsync(Device, default)).History);
        var february = await GetJsonAsync($"/v1/capacity/month/2026-02?device_id={Device}");
        Assert.Equal(9000, february.GetProperty("monthly_peak_w").GetDouble(), 1);
        var year = await GetJsonAsync($"/v1/capacity/year/2026?device_id={Device}");
        Assert.Equal(9000, year.GetProperty("months")[1].GetProperty("monthly_peak_w").GetDouble(), 1);
        // March's rolling average now uses February's new peak: (9000 + 7200) / 2.
        Assert.Equal(8100, (await GetJsonAsync($"/v1/capacity/month/2026-03?device_id={Device}")).GetProperty("rolling_12m_average_w").GetDouble(), 1);
    }
}

public abstract partial class ReadPathTests
{
    [Fact]
    public async Task The_running_month_shows_todays_uploads_at_once()
    {
        await LoadMonthBoundaryAsync();
        using var client = Client();
        Assert.Equal(7200, (await GetJsonAsync($"/v1/capacity/month/2026-03?device_id={Device}")).GetProperty("monthly_peak_w").GetDouble(), 1);

        await client.IngestAsync(Steady(Device, Utc("2026-03-15T10:00:00Z"), Utc("2026-03-15T10:15:00Z"), _ => 8000, startKwh: 3000));

        var march = await GetJsonAsync($"/v1/capacity/month/2026-03?device_id={Device}");
        Assert.Equal(8000, march.GetProperty("monthly_peak_w").GetDouble(), 1);
        Assert.Equal(Utc("2026-03-15T10:00:00Z"), march.GetProperty("monthly_peak_ts").GetDateTimeOffset());
        Assert.Equal(9, march.GetProperty("peaks").GetArrayLength());
    }
}

public abstract partial class ReadPathTests
{
    [Fact]
    public async Task The_live_quarter_follows_an_upload_that_sets_a_new_monthly_peak_at_once()
    {
        // 2 kW from 10:00, and the clock stands still: only an ingest can make the answer change.
        await Server.Store.LoadAsync(Steady(Device, Utc("2026-03-10T10:00:00Z"), Utc("2026-03-10T10:37:30Z"), _ => 2000, startKwh: 1000));
        Server.Clock.AdjustTime(Utc("2026-03-10T10:37:30Z"));
        using var client = Client();
        var before = (await GetJsonAsync($"/v1/realtime?device_id={Device}")).GetProperty("live_quarter");
        Assert.Equal(2000, before.GetProperty("month_peak_so_far_w").GetDouble(), 1);

        // A backlog from earlier this morning arrives: a quarter at 6 kW.
        await client.IngestAsync(Steady(Device, Utc("2026-03-10T08:00:00Z"), Utc("2026-03-10T08:15:00Z"), _ => 6000, startKwh: 900));

        var after = (await GetJsonAsync($"/v1/realtime?device_id={Device}")).GetProperty("live_quarter");
        Assert.Equal(6000, after.GetProperty("month_peak_so_far_w").GetDouble(), 1);
        // Projected at 2 kW to the quarter's end: 2000 W, so 4000 W of room under the new 6 kW peak.
        Assert.Equal(4000, after.GetProperty("headroom_w").GetDouble(), 1);
    }
}
