using System.Text.Json;
using P1Telemetry.Server.Tests.Support;
using static P1Telemetry.Server.Tests.ReadPath.ReadSamples;

namespace P1Telemetry.Server.Tests.ReadPath;

public abstract partial class ReadPathTests
{
    private const string Device = ServerFactory.Device1;

    /// <summary>
    /// 800 W from 22:00Z on 28 February to 01:00Z on 1 March, except 7200 W from 23:30Z to 23:45Z — which is
    /// 00:30 local time, already March in Brussels. Every reading carries the meter's own peak of 5000 W.
    /// </summary>
    protected async Task LoadMonthBoundaryAsync()
    {
        var samples = Steady(Device, Utc("2026-02-28T22:00:00Z"), Utc("2026-03-01T01:00:00Z"),
            ts => ts >= Utc("2026-02-28T23:30:00Z") && ts < Utc("2026-02-28T23:45:00Z") ? 7200 : 800, meterPeakW: 5000);
        await Server.Store.LoadAsync(samples);
        Server.Clock.AdjustTime(Utc("2026-03-15T12:00:00Z"));
    }

    protected async Task<JsonElement> GetJsonAsync(string path)
    {
        using var client = Client();
        using var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path} answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    [Fact]
    public async Task The_quarter_straddling_the_local_month_boundary_sets_Marchs_peak()
    {
        await LoadMonthBoundaryAsync();

        var march = await GetJsonAsync($"/v1/capacity/month/2026-03?device_id={Device}");

        Assert.Equal("2026-03", march.GetProperty("month").GetString());
        Assert.Equal(Device, march.GetProperty("device_id").GetString());
        Assert.Equal("Europe/Brussels", march.GetProperty("timezone").GetString());
        Assert.Equal("2026-03-01T00:00:00+01:00", march.GetProperty("from").GetString());
        Assert.Equal("2026-04-01T00:00:00+02:00", march.GetProperty("to").GetString());
        Assert.False(march.GetProperty("complete").GetBoolean());
        var peaks = march.GetProperty("peaks").EnumerateArray().ToList();
        // 23:00Z–01:00Z: eight quarters, each with readings at both boundaries.
        Assert.Equal(8, peaks.Count);
        Assert.Equal(Utc("2026-02-28T23:00:00Z"), peaks[0].GetProperty("start").GetDateTimeOffset());
        var peak = peaks[2];
        Assert.Equal(Utc("2026-02-28T23:30:00Z"), peak.GetProperty("start").GetDateTimeOffset());
        Assert.Equal(Utc("2026-02-28T23:45:00Z"), peak.GetProperty("end").GetDateTimeOffset());
        Assert.Equal(7200, peak.GetProperty("average_power_w").GetDouble(), 1);
        Assert.Equal(7200, peak.GetProperty("mean_import_power_w").GetDouble(), 1);
        Assert.Equal(900, peak.GetProperty("samples").GetInt64());
        Assert.Equal(800, peaks[0].GetProperty("average_power_w").GetDouble(), 1);

        Assert.Equal(7200, march.GetProperty("monthly_peak_w").GetDouble(), 1);
        Assert.Equal(Utc("2026-02-28T23:30:00Z"), march.GetProperty("monthly_peak_ts").GetDateTimeOffset());
        Assert.Equal(7200, march.GetProperty("billed_peak_w").GetDouble(), 1);
        // February's 800 W peak is billed at 2500 W: (2500 + 7200) / 2.
        Assert.Equal(4850, march.GetProperty("rolling_12m_average_w").GetDouble(), 1);
        Assert.Equal(2, march.GetProperty("rolling_12m_months").GetInt32());
        // 4.85 kW × 49.40 EUR / 12 = 19.9658; × 1.06 = 21.1638.
        Assert.Equal(49.40m, march.GetProperty("tariff_eur_per_kw_year").GetDecimal());
        Assert.Equal(19.97m, march.GetProperty("cost_eur_excl_vat").GetDecimal());
        Assert.Equal(21.16m, march.GetProperty("cost_eur_incl_vat").GetDecimal());
        Assert.Equal(5000, march.GetProperty("monthly_power_peak_w").GetInt32());

        // From the last reading (01:00Z on 1 March) to the quarter in progress (12:00Z on 15 March): 14 days 11 hours.
        var gap = Assert.Single(march.GetProperty("gaps").EnumerateArray());
        Assert.Equal(Utc("2026-03-01T01:00:00Z"), gap.GetProperty("start").GetDateTimeOffset());
        Assert.Equal(Utc("2026-03-15T12:00:00Z"), gap.GetProperty("end").GetDateTimeOffset());
        Assert.Equal((14 * 96) + 44, march.GetProperty("gap_quarters").GetInt32());
    }

    [Fact]
    public async Task February_keeps_only_its_own_quarters_and_is_billed_the_minimum()
    {
        await LoadMonthBoundaryAsync();

        var february = await GetJsonAsync($"/v1/capacity/month/2026-02?device_id={Device}");

        Assert.True(february.GetProperty("complete").GetBoolean());
        Assert.Equal(4, february.GetProperty("peaks").GetArrayLength());
        Assert.Equal(800, february.GetProperty("monthly_peak_w").GetDouble(), 1);
        Assert.Equal(2500, february.GetProperty("billed_peak_w").GetDouble(), 1);
        Assert.Equal(2500, february.GetProperty("rolling_12m_average_w").GetDouble(), 1);
        // 2.5 kW × 49.40 / 12 = 10.2917; × 1.06 = 10.9092.
        Assert.Equal(10.29m, february.GetProperty("cost_eur_excl_vat").GetDecimal());
        Assert.Equal(10.91m, february.GetProperty("cost_eur_incl_vat").GetDecimal());
    }

    [Fact]
    public async Task A_month_without_data_is_200_with_no_peaks_and_nulls()
    {
        await LoadMonthBoundaryAsync();

        foreach (var month in new[] { "2025-12", "2026-05" })
        {
            var empty = await GetJsonAsync($"/v1/capacity/month/{month}?device_id={Device}");

            Assert.Equal(0, empty.GetProperty("peaks").GetArrayLength());
            foreach (var field in new[] { "monthly_peak_w", "monthly_peak_ts", "billed_peak_w", "rolling_12m_average_w", "cost_eur_excl_vat", "cost_eur_incl_vat", "monthly_power_peak_w" })
            {
                Assert.Equal(JsonValueKind.Null, empty.GetProperty(field).ValueKind);
            }
        }

        // A past month without data is one gap; a future month has nothing to report yet.
        Assert.Equal(31 * 96, (await GetJsonAsync($"/v1/capacity/month/2025-12?device_id={Device}")).GetProperty("gap_quarters").GetInt32());
        Assert.Equal(0, (await GetJsonAsync($"/v1/capacity/month/2026-05?device_id={Device}")).GetProperty("gap_quarters").GetInt32());
    }

    [Fact]
    public async Task The_year_lists_every_month_with_rolling_averages_and_costs()
    {
        await LoadMonthBoundaryAsync();

        var year = await GetJsonAsync($"/v1/capacity/year/2026?device_id={Device}");

        var months = year.GetProperty("months").EnumerateArray().ToList();
        Assert.Equal(12, months.Count);
        Assert.Equal("2026-01", months[0].GetProperty("month").GetString());
        Assert.Equal(JsonValueKind.Null, months[0].GetProperty("monthly_peak_w").ValueKind);
        Assert.Equal(2500, months[1].GetProperty("billed_peak_w").GetDouble(), 1);
        Assert.Equal(10.29m, months[1].GetProperty("cost_eur_excl_vat").GetDecimal());
        Assert.Equal(7200, months[2].GetProperty("monthly_peak_w").GetDouble(), 1);
        Assert.Equal(4850, months[2].GetProperty("rolling_12m_average_w").GetDouble(), 1);
        Assert.Equal(19.97m, months[2].GetProperty("cost_eur_excl_vat").GetDecimal());
        Assert.All(months.Skip(3), m => Assert.Equal(JsonValueKind.Null, m.GetProperty("cost_eur_excl_vat").ValueKind));
        Assert.Equal(30.26m, year.GetProperty("cost_eur_excl_vat").GetDecimal());
        Assert.Equal(32.07m, year.GetProperty("cost_eur_incl_vat").GetDecimal());
    }

    [Theory]
    [InlineData("2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z", "2026-03", 92)]
    [InlineData("2026-10-24T22:00:00Z", "2026-10-25T23:00:00Z", "2026-10", 100)]
    public async Task DST_days_have_92_or_100_quarters(string from, string to, string month, int quarters)
    {
        await Server.Store.LoadAsync(Steady(Device, Utc(from), Utc(to), _ => 1000, stepSeconds: 10));
        Server.Clock.AdjustTime(Utc("2026-11-02T12:00:00Z"));

        var response = await GetJsonAsync($"/v1/capacity/month/{month}?device_id={Device}");

        var peaks = response.GetProperty("peaks").EnumerateArray().ToList();
        Assert.Equal(quarters, peaks.Count);
        Assert.All(peaks, p => Assert.Equal(1000, p.GetProperty("average_power_w").GetDouble(), 1));
    }

    [Fact]
    public async Task A_register_jump_across_a_long_gap_is_reported_as_a_gap_not_a_peak()
    {
        var before = Steady(Device, Utc("2026-03-10T10:00:00Z"), Utc("2026-03-10T10:05:00Z"), _ => 1500);
        // Two hours of silence while 20 kWh were used (an average of 10 kW), then 1200 W again.
        var after = Steady(Device, Utc("2026-03-10T12:07:00Z"), Utc("2026-03-10T12:45:00Z"), _ => 1200,
            startKwh: before[^1].EnergyImportKwh + 20);
        await Server.Store.LoadAsync([.. before, .. after]);
        Server.Clock.AdjustTime(Utc("2026-03-11T00:00:00Z"));

        var march = await GetJsonAsync($"/v1/capacity/month/2026-03?device_id={Device}");

        Assert.Equal(1200, march.GetProperty("monthly_peak_w").GetDouble(), 1);
        Assert.Equal([Utc("2026-03-10T12:15:00Z"), Utc("2026-03-10T12:30:00Z")],
            march.GetProperty("peaks").EnumerateArray().Select(p => p.GetProperty("start").GetDateTimeOffset()));
        // The quarters from the start of the month up to the first complete one after the silence are one gap.
        Assert.Contains(march.GetProperty("gaps").EnumerateArray(), g =>
            g.GetProperty("start").GetDateTimeOffset() == Utc("2026-02-28T23:00:00Z")
            && g.GetProperty("end").GetDateTimeOffset() == Utc("2026-03-10T12:15:00Z"));
    }

    [Fact]
    public async Task The_live_quarter_shows_energy_so_far_projection_and_headroom()
    {
        await Server.Store.LoadAsync(Steady(Device, Utc("2026-03-10T10:00:00Z"), Utc("2026-03-10T10:37:30Z"),
            ts => ts < Utc("2026-03-10T10:30:00Z") ? 4000 : 2000));
        Server.Clock.AdjustTime(Utc("2026-03-10T10:37:30Z"));

        var realtime = await GetJsonAsync($"/v1/realtime?device_id={Device}");

        var live = realtime.GetProperty("live_quarter");
        Assert.Equal(Utc("2026-03-10T10:30:00Z"), live.GetProperty("start").GetDateTimeOffset());
        Assert.Equal(450, live.GetProperty("elapsed_s").GetDouble(), 3);
        // 2 kW for 450 s = 0.25 kWh → × 4 = 1000 W; at 2 kW to the end: 0.5 kWh → 2000 W; the month's peak is 4000 W.
        Assert.Equal(1000, live.GetProperty("average_power_so_far_w").GetDouble(), 1);
        Assert.Equal(2000, live.GetProperty("projected_average_power_w").GetDouble(), 1);
        Assert.Equal(4000, live.GetProperty("month_peak_so_far_w").GetDouble(), 1);
        Assert.Equal(2000, live.GetProperty("headroom_w").GetDouble(), 1);
        Assert.Equal(2000, realtime.GetProperty("power_w").GetInt32());
    }
}
