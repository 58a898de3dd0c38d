using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using P1Telemetry.Contracts.Domain;
using P1Telemetry.MeterSimulator;
using P1Telemetry.MeterSimulator.Meter;

namespace P1Telemetry.EndToEnd.Tests.Pipeline;

/// <summary>
/// The edge on a P1 port instead of a dongle: the simulator's raw telegrams through a real socket (ser2net
/// style) and through a real pseudo-terminal pair, the edge as its own process, the real server behind Caddy.
/// </summary>
[Collection(PipelineTestGroup.Name)]
public sealed class P1PortPipelineTests(PipelineInfrastructure infrastructure)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Over_tcp_every_good_telegram_is_one_sample_and_bad_ones_none_and_the_history_reaches_the_capacity_views()
    {
        await using var run = await PipelineRun.StartAsync(infrastructure, new PipelineSettings
        {
            Speed = 5,
            ConfigureSimulator = o => o with
            {
                TelegramTcpPort = 0,
                HistoryMonths = 2,
                Faults = new SimulatorFaults { BadCrcRate = 0.2, TruncatedRate = 0.1 },
            },
        });
        await run.Simulator.WaitForPeakHistoryAsync();
        var previous = LocalMonthOf(run.Simulator.LatestReading.TsUtc).AddMonths(-1);
        var before = await CapacityMonthAsync(run, previous);
        Assert.Equal(JsonValueKind.Null, before.GetProperty("rolling_12m_average_w").ValueKind);

        await run.StartEdgeAsync(new Dictionary<string, string>
        {
            ["HW_P1_HOST"] = "",
            ["P1_TCP"] = $"127.0.0.1:{run.Simulator.TelegramTcpPort}",
        });

        await AssertGoodTelegramsStoredOnceAsync(run, minimumTelegrams: 40);

        // The meter's peak of last month, from the 0-0:98.1.0 history the edge posted.
        var history = LastHistory(run);
        var expected = history.Single(h => h.Month == previous);
        var after = before;
        await run.WaitUntilAsync(
            async () => (after = await CapacityMonthAsync(run, previous)).GetProperty("meter_peak_w").ValueKind != JsonValueKind.Null,
            Timeout,
            $"the server knows the meter's peak of {previous}");

        var peakW = (int)(expected.PeakKw * 1000);
        Assert.Equal(peakW, after.GetProperty("meter_peak_w").GetInt32());
        // Neither month of the history has samples: the rolling average is the mean of the meter's billed peaks.
        var billed = history.Where(h => !h.IsEmpty && h.Month <= previous).Select(h => CapacityTariff.BilledPeakW((double)(h.PeakKw * 1000))).ToList();
        Assert.Equal(billed.Average(), after.GetProperty("rolling_12m_average_w").GetDouble(), 1);
        var window = after.GetProperty("rolling_12m_window").EnumerateArray().ToList();
        Assert.Equal(billed.Count, window.Count);
        Assert.All(window, m => Assert.Equal("meter", m.GetProperty("source").GetString()));
        Assert.Equal(previous.ToString(), window[^1].GetProperty("month").GetString());
    }

    [Fact]
    public async Task Through_a_pseudo_terminal_every_good_telegram_is_one_sample_and_bad_ones_none()
    {
        var directory = P1Telemetry.TestInfrastructure.TestRunDirectory.CreateSubdirectory("pty");
        await using var pty = await PseudoTerminalPair.CreateAsync(directory);
        await using var run = await PipelineRun.StartAsync(infrastructure, new PipelineSettings
        {
            Speed = 5,
            ConfigureSimulator = o => o with
            {
                SerialPty = pty.MeterEnd,
                HistoryMonths = 0,
                Faults = new SimulatorFaults { BadCrcRate = 0.2, TruncatedRate = 0.1 },
            },
        });

        await run.StartEdgeAsync(new Dictionary<string, string>
        {
            ["HW_P1_HOST"] = "",
            ["P1_SERIAL_DEVICE"] = pty.ReaderEnd,
            ["P1_SERIAL_BAUD"] = "115200",
            ["P1_SERIAL_FORMAT"] = "8N1",
        });

        await AssertGoodTelegramsStoredOnceAsync(run, minimumTelegrams: 40);
        Assert.Contains("serial", run.ReadHealth()!.Value.GetProperty("meter_source").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Both_flags_of_the_repeated_autumn_hour_give_distinct_correct_instants()
    {
        // 2026-10-25 in Brussels: 02:00-03:00 happens twice, first in summer time (00:00Z-01:00Z), then in winter time.
        await using var run = await PipelineRun.StartAsync(infrastructure, new PipelineSettings { Speed = 1 });
        // A meter of its own, started only now, so that its fast clock reaches the repeated hour after the edge connected.
        await using var meter = await SimulatorHost.StartAsync(new SimulatorOptions
        {
            StateDirectory = Path.Combine(run.Scratch, "dst-meter"),
            Start = new DateTimeOffset(2026, 10, 24, 23, 30, 0, TimeSpan.Zero),
            Speed = 300,
            TelegramIntervalSeconds = 10,
            TelegramTcpPort = 0,
            HistoryMonths = 0,
            Seed = 11,
        });
        await run.StartEdgeAsync(new Dictionary<string, string>
        {
            ["HW_P1_HOST"] = "",
            ["P1_TCP"] = $"127.0.0.1:{meter.TelegramTcpPort}",
        });

        await run.WaitUntilStoredAsync(new DateTimeOffset(2026, 10, 25, 1, 32, 0, TimeSpan.Zero), Timeout);

        var stored = (await run.Store.SamplesAsync()).Select(s => s.Ts).ToList();
        Assert.Equal(stored.Count, stored.Distinct().Count());
        var summer = new DateTimeOffset(2026, 10, 25, 0, 30, 0, TimeSpan.Zero);
        var winter = new DateTimeOffset(2026, 10, 25, 1, 30, 0, TimeSpan.Zero);
        Assert.Contains(summer, stored);
        Assert.Contains(winter, stored);
        var texts = meter.RawTelegrams.ToDictionary(t => t.Reading.TsUtc, t => t.Text);
        Assert.Contains("0-0:1.0.0(261025023000S)", texts[summer], StringComparison.Ordinal);
        Assert.Contains("0-0:1.0.0(261025023000W)", texts[winter], StringComparison.Ordinal);
        Assert.All(stored, ts => Assert.True(texts.ContainsKey(ts), $"{ts:o} is no telegram's instant"));
    }

    /// <summary>
    /// Waits for <paramref name="minimumTelegrams"/> telegrams after the edge's first sample, then checks each
    /// telegram in that window: intact → exactly one stored sample with its values; bad CRC or truncated → none.
    /// </summary>
    private static async Task AssertGoodTelegramsStoredOnceAsync(PipelineRun run, int minimumTelegrams)
    {
        await run.WaitUntilStoredAsync(DateTimeOffset.MinValue.AddYears(2000), Timeout);
        var first = (await run.Store.SamplesAsync()).Min(s => s.Ts);
        await run.WaitUntilAsync(
            () => Task.FromResult(run.Simulator.RawTelegrams.Count(r => r.Reading.TsUtc >= first) >= minimumTelegrams + 5),
            Timeout,
            $"{minimumTelegrams + 5} telegrams after the first stored sample");
        var window = run.Simulator.RawTelegrams.Where(r => r.Reading.TsUtc >= first).Take(minimumTelegrams).ToList();
        var last = window[^1].Reading.TsUtc;
        await run.WaitUntilStoredAsync(last, Timeout);
        var stored = (await run.Store.SamplesAsync()).Where(s => s.Ts >= first && s.Ts <= last).ToList();

        Assert.Contains(window, r => r.Delivery != TelegramDelivery.Intact);
        foreach (var raw in window)
        {
            var matches = stored.Where(s => s.Ts == raw.Reading.TsUtc).ToList();
            if (raw.Delivery != TelegramDelivery.Intact)
            {
                Assert.True(matches.Count == 0, $"the {raw.Delivery} telegram of {raw.Reading.TsUtc:o} was stored");
                continue;
            }

            var sample = Assert.Single(matches);
            Assert.Equal(raw.Reading.PowerW, sample.PowerW);
            Assert.Equal(Math.Max(raw.Reading.PowerW, 0), sample.ImportPowerW);
            Assert.Equal(raw.Reading.EnergyImportKwh, sample.EnergyImportKwh, 6);
            Assert.Equal(raw.Reading.EnergyExportKwh, sample.EnergyExportKwh, 6);
        }

        Assert.Equal(window.Count(r => r.Delivery == TelegramDelivery.Intact), stored.Count);
        // The health file is rewritten every few seconds: it counts the rejected telegrams.
        var health = run.ReadHealth();
        await run.WaitUntilAsync(
            () => Task.FromResult((health = run.ReadHealth()) is { } h && h.GetProperty("bad_telegrams").GetInt64() > 0),
            Timeout,
            "the edge's health counts the rejected telegrams");
        Assert.True(health is not null && health.Value.GetProperty("bad_telegrams").GetInt64() > 0, $"health: {health}");
    }

    private static IReadOnlyList<Contracts.Dsmr.DsmrMonthPeak> LastHistory(PipelineRun run)
    {
        var text = run.Simulator.RawTelegrams.Last(r => r.Delivery == TelegramDelivery.Intact).Text;
        return Contracts.Dsmr.DsmrParser.Parse(text).Telegram!.PeakHistory!;
    }

    private static LocalMonth LocalMonthOf(DateTimeOffset instant) =>
        LocalCalendar.ForZone("Europe/Brussels").MonthOf(instant);

    private async Task<JsonElement> CapacityMonthAsync(PipelineRun run, LocalMonth month)
    {
        using var client = new HttpClient(infrastructure.Certificates.CreateTrustingHandler());
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", run.DeviceToken);
        var uri = new Uri(run.Caddy.BaseUri, string.Create(CultureInfo.InvariantCulture, $"/v1/capacity/month/{month}?device_id={run.DeviceId}"));
        var body = await client.GetStringAsync(uri);
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
