using System.Globalization;
using System.Text.Json;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.Server.Export;
using static P1Telemetry.Server.Tests.ReadPath.ReadSamples;

namespace P1Telemetry.Server.Tests.ReadPath;

public abstract partial class ReadPathTests
{
    private const string ExportRange = "from=2026-02-28T22:00:00Z&to=2026-03-01T01:00:01Z";

    [Fact]
    public async Task A_raw_JSON_export_round_trips_into_an_ingest_body()
    {
        var samples = Steady(Device, Utc("2026-02-28T22:00:00Z"), Utc("2026-03-01T01:00:00Z"),
            ts => ts.Second % 2 == 0 ? 800 : -300, meterPeakW: 5000);
        await Server.Store.LoadAsync(samples);
        using var client = Client();

        using var response = await client.GetAsync($"/v1/export?device_id={Device}&{ExportRange}&format=json");

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var exported = JsonSerializer.Deserialize(await response.Content.ReadAsStreamAsync(), WireJsonContext.Default.IngestRequest)!;
        Assert.Equal(samples, exported.Samples);
    }

    [Fact]
    public async Task A_raw_CSV_export_has_one_line_per_sample_and_a_local_file_name()
    {
        await LoadMonthBoundaryAsync();
        using var client = Client();

        using var response = await client.GetAsync($"/v1/export?device_id={Device}&{ExportRange}");

        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("p1-meter-1-raw-20260228T2300-20260301T0200.csv", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(ExportWriter.RawCsvHeader, lines[0]);
        Assert.Equal((3 * 3600) + 1, lines.Length - 1);
        var first = lines[1].Split(',');
        Assert.Equal(["meter-1", "2026-02-28T22:00:00.0000000Z", "800", "800", "1000", "50", "", "5000", "2026-02-28T22:00:00.0000000Z", "", "", "", "", ""], first);
        var peakRow = lines.Single(l => l.Contains("2026-02-28T23:30:00.0000000Z", StringComparison.Ordinal)).Split(',');
        Assert.Equal("7200", peakRow[2]);
        Assert.Equal(1000 + (1.5 * 0.8), double.Parse(peakRow[4], CultureInfo.InvariantCulture), 9);
    }

    [Fact]
    public async Task A_quarter_hour_export_carries_the_capacity_values()
    {
        await LoadMonthBoundaryAsync();
        using var client = Client();

        var csv = await client.GetStringAsync($"/v1/export?device_id={Device}&{ExportRange}&resolution=quarter_hour");
        var json = await GetJsonAsync($"/v1/export?device_id={Device}&{ExportRange}&resolution=quarter_hour&format=json");

        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(QuarterHourExportRow.CsvHeader, lines[0]);
        // 22:00Z–00:45Z is twelve complete quarters; the reading at 01:00Z opens a thirteenth without an end reading.
        Assert.Equal(13, lines.Length - 1);
        var peak = lines[7].Split(',');
        Assert.Equal("2026-02-28T23:30:00.0000000Z", peak[0]);
        Assert.Equal(7200, double.Parse(peak[3], CultureInfo.InvariantCulture), 6);
        Assert.Equal(1.8, double.Parse(peak[9], CultureInfo.InvariantCulture), 9);
        Assert.Equal("", lines[^1].Split(',')[3]);

        var rows = json.GetProperty("quarter_hours").EnumerateArray().ToList();
        Assert.Equal(13, rows.Count);
        Assert.Equal(7200, rows[6].GetProperty("average_power_w").GetDouble(), 6);
        Assert.Equal(900, rows[6].GetProperty("samples").GetInt64());
        Assert.Equal(JsonValueKind.Null, rows[12].GetProperty("average_power_w").ValueKind);
    }

    [Fact]
    public async Task Local_dates_select_whole_local_days()
    {
        await LoadMonthBoundaryAsync();
        using var client = Client();

        var csv = await client.GetStringAsync($"/v1/export?device_id={Device}&from=2026-03-01&to=2026-03-02");

        // Local 1 March starts at 23:00Z on 28 February: 23:00Z–01:00Z inclusive.
        Assert.Equal((2 * 3600) + 1, csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1);
    }
}
