using System.Text.Json;
using P1Telemetry.Contracts.Domain;
using P1Telemetry.Server.Capacity;
using P1Telemetry.Server.ReadPath;
using P1Telemetry.Server.Tests.Support;
using static P1Telemetry.Server.Tests.ReadPath.ReadSamples;

namespace P1Telemetry.Server.Tests.ReadPath;

public abstract partial class ReadPathTests
{
    // Local midnight of 15 March in Brussels: the days before it are settled, the rest is today.
    private static readonly DateTimeOffset Midnight = Utc("2026-03-14T23:00:00Z");

    /// <summary>
    /// A 5 kW quarter on 10 March; 1 kW on the evening of the 14th until 22:30Z; silence across local midnight;
    /// 3 kW from 23:30Z into the 15th. The clock stands at 12:00Z on the 15th.
    /// </summary>
    private async Task LoadRunningMonthAsync()
    {
        await Server.Store.LoadAsync(Steady(Device, Utc("2026-03-10T10:00:00Z"), Utc("2026-03-10T10:15:00Z"), _ => 5000, startKwh: 900));
        await Server.Store.LoadAsync(Steady(Device, Utc("2026-03-14T20:00:00Z"), Utc("2026-03-14T22:30:00Z"), _ => 1000, startKwh: 1000));
        await Server.Store.LoadAsync(Steady(Device, Utc("2026-03-14T23:30:00Z"), Utc("2026-03-15T11:00:00Z"), _ => 3000, startKwh: 1004));
        Server.Clock.AdjustTime(Utc("2026-03-15T12:00:00Z"));
    }

    [Fact]
    public async Task The_running_month_joins_its_settled_days_and_today_as_if_computed_at_once()
    {
        await LoadRunningMonthAsync();
        using var client = Client();

        // The first request evaluates and caches the settled days; the second reads them back.
        var first = await client.GetByteArrayAsync($"/v1/capacity/month/2026-03?device_id={Device}");
        var second = await client.GetByteArrayAsync($"/v1/capacity/month/2026-03?device_id={Device}");
        Assert.Equal(first, second);

        // The same month evaluated in one go by the domain code.
        var month = LocalCalendar.ForZone("Europe/Brussels").Month(new LocalMonth(2026, 3));
        var rows = await Server.Store.GetQuarterHoursAsync(Device, month.Start - QuarterHour.Length, month.End + QuarterHour.Length, default);
        var expected = QuarterValues.Compute(rows.ToSlots(), new TimeRange(month.Start, Utc("2026-03-15T12:00:00Z")));

        var march = JsonDocument.Parse(first).RootElement;
        var peaks = march.GetProperty("peaks").EnumerateArray().ToList();
        Assert.Equal(expected.Quarters.Count, peaks.Count);
        for (var i = 0; i < peaks.Count; i++)
        {
            Assert.Equal(expected.Quarters[i].Start, peaks[i].GetProperty("start").GetDateTimeOffset());
            Assert.Equal(Math.Round(expected.Quarters[i].AveragePowerW, 1), peaks[i].GetProperty("average_power_w").GetDouble());
            Assert.Equal(expected.Quarters[i].SampleCount, peaks[i].GetProperty("samples").GetInt64());
        }

        var gaps = march.GetProperty("gaps").EnumerateArray()
            .Select(g => new TimeRange(g.GetProperty("start").GetDateTimeOffset(), g.GetProperty("end").GetDateTimeOffset()))
            .ToList();
        Assert.Equal(expected.Gaps, gaps);
        // The silence across midnight is one gap, not one on either side of it.
        Assert.Contains(new TimeRange(Utc("2026-03-14T22:30:00Z"), Utc("2026-03-14T23:30:00Z")), gaps);
        Assert.Equal(expected.GapQuarters, march.GetProperty("gap_quarters").GetInt32());

        Assert.Equal(5000, march.GetProperty("monthly_peak_w").GetDouble(), 1);
        Assert.Equal(Utc("2026-03-10T10:00:00Z"), march.GetProperty("monthly_peak_ts").GetDateTimeOffset());
        Assert.False(march.GetProperty("complete").GetBoolean());
        // 1 kW evening quarters before midnight and 3 kW ones after it are both there.
        Assert.Contains(peaks, p => p.GetProperty("start").GetDateTimeOffset() == Utc("2026-03-14T22:15:00Z") && Math.Abs(p.GetProperty("average_power_w").GetDouble() - 1000) < 0.1);
        Assert.Contains(peaks, p => p.GetProperty("start").GetDateTimeOffset() == Utc("2026-03-14T23:30:00Z") && Math.Abs(p.GetProperty("average_power_w").GetDouble() - 3000) < 0.1);
        Assert.Contains(peaks, p => p.GetProperty("start").GetDateTimeOffset() < Midnight);
        Assert.Contains(peaks, p => p.GetProperty("start").GetDateTimeOffset() >= Midnight);
    }

    [Fact]
    public async Task A_backlog_upload_into_an_earlier_day_of_the_running_month_shows_at_once()
    {
        await LoadRunningMonthAsync();
        using var client = Client();
        Assert.Equal(5000, (await GetJsonAsync($"/v1/capacity/month/2026-03?device_id={Device}")).GetProperty("monthly_peak_w").GetDouble(), 1);

        await client.IngestAsync(Steady(Device, Utc("2026-03-12T18:00:00Z"), Utc("2026-03-12T18:15:00Z"), _ => 9000, startKwh: 950));

        var march = await GetJsonAsync($"/v1/capacity/month/2026-03?device_id={Device}");
        Assert.Equal(9000, march.GetProperty("monthly_peak_w").GetDouble(), 1);
        Assert.Equal(Utc("2026-03-12T18:00:00Z"), march.GetProperty("monthly_peak_ts").GetDateTimeOffset());
    }

    [Theory]
    [InlineData("2026-03")] // running: settled days, today, gaps, the meter's own peak, a tariff
    [InlineData("2026-02")] // settled, billed at the floor
    [InlineData("2025-07")] // no data: nulls
    public async Task The_month_view_is_exactly_what_the_serializer_writes_for_its_documented_record(string month)
    {
        await LoadMonthBoundaryAsync();
        await Server.Store.LoadAsync(Steady(Device, Utc("2026-03-15T08:00:00Z"), Utc("2026-03-15T09:00:00Z"), _ => 2000, startKwh: 2000, meterPeakW: 7300));
        using var client = Client();

        var written = await client.GetByteArrayAsync($"/v1/capacity/month/{month}?device_id={Device}");

        // Every property is known to the record (the context disallows unknown ones), and writing the record back
        // gives the same bytes: names, order, number and date formats, and nulls all agree with the OpenAPI schema.
        var options = new JsonSerializerOptions(ReadJsonContext.Default.Options) { UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow };
        var record = JsonSerializer.Deserialize<CapacityMonthResponse>(written, options)!;
        Assert.Equal(written, JsonSerializer.SerializeToUtf8Bytes(record, options));
    }
}
