using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using P1Telemetry.Server.MeterPeaks;
using P1Telemetry.Server.Tests.Support;
using static P1Telemetry.Server.Tests.ReadPath.ReadSamples;

namespace P1Telemetry.Server.Tests.ReadPath;

/// <summary><c>POST /v1/meter-peaks</c> and the meter's peaks in the capacity views, on both backends.</summary>
public abstract partial class ReadPathTests
{
    private const string MeterHistory = """
        {"device_id":"meter-1","peaks":[
          {"month":"2025-12","peak_w":3000,"peak_ts":"2025-12-10T17:00:00Z"},
          {"month":"2026-01","peak_w":4000,"peak_ts":"2026-01-10T18:00:00Z"},
          {"month":"2026-02","peak_w":9000,"peak_ts":"2026-02-11T07:45:00Z"}],
         "meter_state":{"clock_stalled":true,"belgian_fields_missing":false,"source":"serial","observed_at":"2026-03-15T11:59:00Z"}}
        """;

    private async Task<HttpResponseMessage> PostPeaksAsync(string body, string? token = ServerFactory.Token1, string contentType = "application/json")
    {
        using var client = Server.CreateClient(token);
        return await client.PostAsync("/v1/meter-peaks", IngestRequests.Body(Encoding.UTF8.GetBytes(body), contentType: contentType));
    }

    [Fact]
    public async Task The_meters_history_fills_the_rolling_average_for_months_without_samples_and_says_so()
    {
        await LoadMonthBoundaryAsync();
        var before = await GetJsonAsync($"/v1/capacity/month/2026-03?device_id={Device}");
        var februaryBefore = await GetJsonAsync($"/v1/capacity/month/2026-02?device_id={Device}");
        Assert.Equal((2500 + 7200) / 2.0, before.GetProperty("rolling_12m_average_w").GetDouble(), 1);
        Assert.Equal(JsonValueKind.Null, februaryBefore.GetProperty("meter_peak_w").ValueKind);

        using (var response = await PostPeaksAsync(MeterHistory))
        {
            Assert.Equal(200, (int)response.StatusCode);
            Assert.Equal(3, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("stored").GetInt32());
        }

        var march = await GetJsonAsync($"/v1/capacity/month/2026-03?device_id={Device}");
        // December and January have no samples: the meter's peaks count; February has samples: its computed peak counts.
        Assert.Equal((3000 + 4000 + 2500 + 7200) / 4.0, march.GetProperty("rolling_12m_average_w").GetDouble(), 1);
        Assert.Equal(4, march.GetProperty("rolling_12m_months").GetInt32());
        var window = march.GetProperty("rolling_12m_window").EnumerateArray()
            .Select(m => (m.GetProperty("month").GetString(), m.GetProperty("billed_peak_w").GetDouble(), m.GetProperty("source").GetString()))
            .ToList();
        Assert.Equal([("2025-12", 3000.0, "meter"), ("2026-01", 4000.0, "meter"), ("2026-02", 2500.0, "computed"), ("2026-03", 7200.0, "computed")], window);

        // February is settled and was cached before the post: the answer now shows the meter's peak beside the computed one.
        var february = await GetJsonAsync($"/v1/capacity/month/2026-02?device_id={Device}");
        Assert.Equal(9000, february.GetProperty("meter_peak_w").GetInt32());
        Assert.Equal(Utc("2026-02-11T07:45:00Z"), february.GetProperty("meter_peak_ts").GetDateTimeOffset());
        Assert.Equal(800, february.GetProperty("monthly_peak_w").GetDouble(), 1);

        var year = await GetJsonAsync($"/v1/capacity/year/2026?device_id={Device}");
        var months = year.GetProperty("months").EnumerateArray().ToList();
        Assert.Equal(4000, months[0].GetProperty("meter_peak_w").GetInt32());
        Assert.Equal("meter", months[0].GetProperty("source").GetString());
        Assert.Equal(JsonValueKind.Null, months[0].GetProperty("monthly_peak_w").ValueKind);
        Assert.Equal((3000 + 4000) / 2.0, months[0].GetProperty("rolling_12m_average_w").GetDouble(), 1);
        Assert.Equal("computed", months[1].GetProperty("source").GetString());
        Assert.Equal(9000, months[1].GetProperty("meter_peak_w").GetInt32());
        Assert.Equal((3000 + 4000 + 2500) / 3.0, months[1].GetProperty("rolling_12m_average_w").GetDouble(), 1);
        Assert.Equal(JsonValueKind.Null, months[5].GetProperty("source").ValueKind);

        var state = await Server.Services.GetRequiredService<IMeterPeakStore>().GetStateAsync(Device, default);
        Assert.Equal(new StoredMeterState("serial", true, false, Utc("2026-03-15T11:59:00Z")), state);
    }

    [Fact]
    public async Task Posting_the_same_history_again_is_harmless_and_a_changed_month_replaces_the_stored_one()
    {
        await LoadMonthBoundaryAsync();
        (await PostPeaksAsync(MeterHistory)).Dispose();
        (await PostPeaksAsync(MeterHistory)).Dispose();
        using (var response = await PostPeaksAsync("""{"device_id":"meter-1","peaks":[{"month":"2026-01","peak_w":4500,"peak_ts":"2026-01-12T18:00:00Z"}]}"""))
        {
            Assert.Equal(200, (int)response.StatusCode);
        }

        var stored = await Server.Services.GetRequiredService<IMeterPeakStore>().GetAsync(Device, new(2025, 1), new(2026, 12), default);
        Assert.Equal(3, stored.Count);
        Assert.Equal(4500, stored[new(2026, 1)].PeakW);
        Assert.Equal(Utc("2026-01-12T18:00:00Z"), stored[new(2026, 1)].PeakTs);
        Assert.Equal(3000, stored[new(2025, 12)].PeakW);
    }

    public static TheoryData<string, int, string> BadPeakBodies => new()
    {
        { "not json", 400, "" },
        { "[]", 400, "" },
        { """{"device_id":"meter-1","peaks":"many"}""", 400, "" },
        { """{"device_id":"meter-1","peaks":[{"month":"2026-01","peak_w":"4000","peak_ts":"2026-01-10T18:00:00Z"}]}""", 400, "" },
        { """{"peaks":[]}""", 422, "device_id" },
        { """{"device_id":"meter-2","peaks":[]}""", 403, "another device" },
        { """{"device_id":"meter-1"}""", 422, "peaks" },
        { """{"device_id":"meter-1","peaks":[{"month":"2026-13","peak_w":4000,"peak_ts":"2026-01-10T18:00:00Z"}]}""", 422, "peaks[1].month" },
        { """{"device_id":"meter-1","peaks":[{"month":"2026-01","peak_w":-1,"peak_ts":"2026-01-10T18:00:00Z"}]}""", 422, "peaks[1].peak_w" },
        { """{"device_id":"meter-1","peaks":[{"month":"2026-01","peak_ts":"2026-01-10T18:00:00Z"}]}""", 422, "peaks[1].peak_w" },
        { """{"device_id":"meter-1","peaks":[{"month":"2026-01","peak_w":4000,"peak_ts":"2026-02-10T18:00:00Z"}]}""", 422, "peaks[1].peak_ts" },
        { """{"device_id":"meter-1","peaks":[{"month":"2026-01","peak_w":4000}]}""", 422, "peaks[1].peak_ts" },
        { """{"device_id":"meter-1","peaks":[{"month":"2026-04","peak_w":4000,"peak_ts":"2026-04-10T18:00:00Z"}]}""", 422, "future" },
        { """{"device_id":"meter-1","peaks":[{"month":"2026-01","peak_w":4000,"peak_ts":"2026-01-10T18:00:00Z"},{"month":"2026-01","peak_w":1,"peak_ts":"2026-01-10T18:00:00Z"}]}""", 422, "twice" },
        { """{"device_id":"meter-1","peaks":[],"meter_state":{"clock_stalled":true}}""", 422, "observed_at" },
    };

    [Theory]
    [MemberData(nameof(BadPeakBodies))]
    public async Task A_bad_meter_peaks_body_is_a_problem_and_stores_nothing(string body, int status, string detail)
    {
        Server.Clock.AdjustTime(Utc("2026-03-15T12:00:00Z"));
        // A valid month next to the bad one must not be stored either.
        using var response = await PostPeaksAsync(body.Replace("\"peaks\":[{", "\"peaks\":[{\"month\":\"2025-11\",\"peak_w\":1,\"peak_ts\":\"2025-11-01T12:00:00Z\"},{", StringComparison.Ordinal));

        var problem = await response.ReadProblemAsync(status);
        Assert.Contains(detail, problem.GetProperty("detail").GetString());
        var stored = await Server.Services.GetRequiredService<IMeterPeakStore>().GetAsync(Device, new(2000, 1), new(2030, 12), default);
        Assert.Empty(stored);
    }

    [Fact]
    public async Task Meter_peaks_need_a_json_body_and_a_device_token()
    {
        using (var unauthorized = await PostPeaksAsync(MeterHistory, token: null))
        {
            Assert.Equal(401, (int)unauthorized.StatusCode);
        }

        using var wrongType = await PostPeaksAsync(MeterHistory, contentType: "text/plain");
        await wrongType.ReadProblemAsync(415);
        using var client = Server.CreateClient(ServerFactory.Token1);
        using var huge = await client.PostAsync("/v1/meter-peaks", IngestRequests.Body(new byte[400 * 1024]));
        await huge.ReadProblemAsync(413);
    }
}
