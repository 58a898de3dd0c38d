using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using P1Telemetry.Contracts.Dsmr;
using P1Telemetry.MeterSimulator.Meter;

namespace P1Telemetry.MeterSimulator.Tests;

/// <summary>The raw P1 telegram: on both API versions, on TCP, consistent with the JSON, with its faults.</summary>
public sealed class RawTelegramTests : IAsyncLifetime
{
    private static readonly TimeZoneInfo _brussels = TimeZoneInfo.FindSystemTimeZoneById("Europe/Brussels");
    private SimulatorHost _host = null!;
    private string _token = null!;

    public async Task InitializeAsync()
    {
        _host = await TestSimulator.StartAsync(new SimulatorOptions
        {
            Speed = 1,
            Start = new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero),
            HistoryMonths = 2,
            TelegramTcpPort = 0,
        });
        _token = _host.CreatePairedToken("local/raw");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Both_api_versions_serve_the_telegram_of_the_json_reading_with_a_good_crc()
    {
        using var v1 = SimulatorClients.V1(_host);
        using var v2 = SimulatorClients.V2(_host, _token);

        // A telegram a second: read until both versions and the JSON caught the same reading.
        string v1Text, v2Text;
        JsonDocument json;
        var attempts = 0;
        while (true)
        {
            v1Text = await v1.GetStringAsync("api/v1/telegram");
            json = JsonDocument.Parse(await v2.GetStringAsync("api/measurement"));
            v2Text = await v2.GetStringAsync("api/telegram");
            var stamp = DsmrParser.Parse(v2Text).Telegram?.Timestamp?.Local.ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
            if ((v1Text == v2Text && stamp == json.RootElement.GetProperty("timestamp").GetString()) || ++attempts == 20)
            {
                break;
            }

            json.Dispose();
        }

        using var _ = json;
        Assert.Equal(v1Text, v2Text);
        var result = DsmrParser.Parse(v2Text);
        Assert.True(result.Succeeded, result.Error);
        var t = result.Telegram!;
        var m = json.RootElement;
        Assert.Equal(m.GetProperty("energy_import_t1_kwh").GetDouble(), (double)t.ImportT1Kwh!);
        Assert.Equal(m.GetProperty("energy_import_t2_kwh").GetDouble(), (double)t.ImportT2Kwh!);
        Assert.Equal(m.GetProperty("energy_export_kwh").GetDouble(), (double)(t.ExportT1Kwh + t.ExportT2Kwh)!);
        Assert.Equal(m.GetProperty("power_w").GetInt32(), (int)((t.PowerImportKw - t.PowerExportKw) * 1000)!);
        Assert.Equal(m.GetProperty("power_l1_w").GetInt32(), (int)((t.PowerL1ImportKw - t.PowerL1ExportKw) * 1000)!);
        Assert.Equal(m.GetProperty("average_power_15m_w").GetInt32(), (int)(t.QuarterAverageKw * 1000)!);
        Assert.Equal(m.GetProperty("monthly_power_peak_w").GetInt32(), (int)(t.MonthPeakKw * 1000)!);
        Assert.Equal(m.GetProperty("timestamp").GetString(), t.Timestamp!.Value.Local.ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal('W', t.Timestamp.Value.Dst);
        Assert.Equal(m.GetProperty("external")[0].GetProperty("value").GetDouble(), (double)t.GasM3!);
    }

    [Fact]
    public async Task The_history_holds_the_months_before_the_current_one_with_the_peaks_the_meter_reached()
    {
        await _host.WaitForPeakHistoryAsync();
        await _host.NextReadingAsync();
        await _host.NextReadingAsync();

        var history = DsmrParser.Parse(_host.RawTelegrams[^1].Text).Telegram!.PeakHistory!;

        Assert.Equal(["2026-01", "2026-02"], history.Select(h => h.Month.ToString()));
        Assert.All(history, h => Assert.False(h.IsEmpty));
        // The peak of February is the highest quarter of February that the same household shows.
        var february = history[1];
        var peakAt = february.PeakAt!.Value.ToUtc(_brussels, default);
        Assert.InRange(peakAt, new DateTimeOffset(2026, 1, 31, 23, 15, 0, TimeSpan.Zero), new DateTimeOffset(2026, 2, 28, 23, 0, 0, TimeSpan.Zero));
        Assert.True(february.PeakKw > 0);
    }

    [Fact]
    public async Task The_tcp_stream_carries_whole_telegrams_and_the_faults_show_in_them()
    {
        _host.SetFaults(new SimulatorFaults { BadCrcRate = 0.5, ClockStalled = true, BelgianFields = false });
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", _host.TelegramTcpPort!.Value);
        var stream = client.GetStream();
        var framer = new DsmrFramer();
        var frames = new List<byte[]>();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (frames.Count < 8)
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            Assert.True(read > 0, "the stream ended");
            frames.AddRange(framer.Append(buffer.AsSpan(0, read)));
        }

        var results = frames.Select(f => DsmrParser.Parse(f)).ToList();
        Assert.Contains(results, r => r.Status == DsmrParseStatus.BadCrc);
        var good = results.Where(r => r.Succeeded).Select(r => r.Telegram!).ToList();
        Assert.NotEmpty(good);
        Assert.All(good, t => Assert.False(t.HasBelgianFields));
        Assert.All(good, t => Assert.Null(t.PeakHistory));
        Assert.Single(good.Select(t => t.Timestamp).Distinct());
    }

    [Fact]
    public void A_truncated_telegram_ends_before_its_crc()
    {
        var reading = _host.LatestReading;
        var dsmr = P1TelegramText.ToDsmr(reading, "x", _brussels, belgianFields: true, []);

        var text = P1TelegramText.Render(dsmr, TelegramDelivery.Truncated);

        Assert.DoesNotContain('!', text);
        Assert.Equal(DsmrParseStatus.Malformed, DsmrParser.Parse(Encoding.Latin1.GetBytes(text)).Status);
        Assert.True(DsmrParser.Parse(P1TelegramText.Render(dsmr, TelegramDelivery.Intact)).Succeeded);
    }
}
