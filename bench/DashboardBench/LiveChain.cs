using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;
using P1Telemetry.Dashboard.Tests;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.DashboardBench;

/// <summary>
/// The whole live chain as a household runs it: the meter simulator in its own process producing a reading every
/// second, the real <c>p1-edge</c> process reading it over v2 HTTPS and uploading to the real server with its
/// default upload settings, and the dashboard in Chromium. A reading's latency runs from the instant the
/// simulator produced it (<c>ts_utc</c> of <c>GET /sim/readings</c>) to the instant the page showed its power.
/// </summary>
internal static class LiveChain
{
    // A v2 dongle token: 32 upper-case hex characters.
    private const string MeterToken = "0123456789ABCDEF0123456789ABCDEF";

    public static async Task<(List<double> Latencies, int Readings)> MeasureAsync(DashboardServer fixture, int seconds)
    {
        var work = Directory.CreateTempSubdirectory("p1-dashboard-bench-");
        await using var simulator = Start(BuiltPrograms.Simulator(), [
            "serve", "--bind", "127.0.0.1", "--http-port", "0", "--https-port", "0",
            "--state-dir", Path.Combine(work.FullName, "sim"), "--token", MeterToken, "--seed", "7",
        ], new Dictionary<string, string?>());
        try
        {
            var (v1, v2, ca) = await SimulatorAddressesAsync(simulator);
            await using var edge = Start(BuiltPrograms.Edge(), [], new Dictionary<string, string?>
            {
                ["HW_P1_HOST"] = v2.Authority,
                ["HW_P1_TOKEN"] = MeterToken,
                ["HW_API_VERSION"] = "2",
                ["HW_CA_FILE"] = ca,
                ["DEVICE_ID"] = DashboardServer.HomeB,
                ["VPS_INGEST_URL"] = fixture.Server.BaseAddress.ToString(),
                ["VPS_TOKEN"] = DashboardServer.TokenB,
                ["VPS_CA_FILE"] = fixture.Certificates.CaCertificatePath,
                ["SPOOL_PATH"] = Path.Combine(work.FullName, "edge", "spool.db"),
                ["HEALTH_PATH"] = Path.Combine(work.FullName, "edge", "health.json"),
                ["TIMEZONE"] = "Europe/Brussels",
            });
            try
            {
                var page = await fixture.SignedInPageAsync("nl-BE");
                await page.GotoAsync($"/#device={DashboardServer.HomeB}");
                await page.ReloadAsync();
                await Assertions.Expect(page.Locator("#device")).ToHaveValueAsync(DashboardServer.HomeB);
                await Assertions.Expect(page.GetByTestId("live-power")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"\d"));
                await page.EvaluateAsync("""
                    () => {
                      window.__changes = [];
                      const target = document.querySelector('[data-testid=live-power]');
                      new MutationObserver(() => window.__changes.push([target.textContent, target.dataset.readingTs, Date.now()]))
                        .observe(target, { attributes: true, attributeFilter: ['data-reading-ts'] });
                    }
                    """);
                var from = DateTimeOffset.UtcNow;
                await Task.Delay(TimeSpan.FromSeconds(seconds));
                var until = DateTimeOffset.UtcNow;
                await Task.Delay(TimeSpan.FromSeconds(3));

                using var changes = JsonDocument.Parse(await page.EvaluateAsync<string>("() => JSON.stringify(window.__changes)"));
                using var meter = new HttpClient { BaseAddress = v1 };
                using var readings = JsonDocument.Parse(await meter.GetStringAsync("/sim/readings"));
                var produced = readings.RootElement.EnumerateArray()
                    .Select(r => (Ts: r.GetProperty("ts_utc").GetDateTimeOffset(), Text: Kilowatts(r.GetProperty("power_w").GetInt32())))
                    .Where(r => r.Ts >= from && r.Ts < until)
                    .OrderBy(r => r.Ts)
                    .ToList();
                var shown = changes.RootElement.EnumerateArray()
                    .Where(c => c[1].GetString() is { Length: > 0 })
                    .Select(c => (Text: c[0].GetString()!, Reading: DateTimeOffset.Parse(c[1].GetString()!, CultureInfo.InvariantCulture),
                        At: DateTimeOffset.FromUnixTimeMilliseconds(c[2].GetInt64())))
                    .ToList();
                // The raw material, to look at when a number surprises.
                var dump = Path.Combine(Path.GetDirectoryName(fixture.ScreenshotDirectory)!, "live-chain.txt");
                await File.WriteAllLinesAsync(dump, [
                    .. produced.Select(r => $"produced {r.Ts:HH:mm:ss.fff} {r.Text}"),
                    .. shown.Select(c => $"shown    {c.At:HH:mm:ss.fff} {c.Text} (reading of {c.Reading:HH:mm:ss.fff})"),
                ]);
                Console.Error.WriteLine($"live chain: {produced.Count} readings, {shown.Count} page changes ({dump})");
                return (Latencies(produced, shown), produced.Count);
            }
            finally
            {
                await edge.KillAsync();
            }
        }
        finally
        {
            await simulator.KillAsync();
            work.Delete(recursive: true);
        }
    }

    /// <summary>
    /// A reading's latency is the time until the page first shows it or a newer one (a push may coalesce
    /// readings): the page marks the live power with the timestamp of the reading it shows, so each change is
    /// matched to its reading by time, not by its number. Readings not overtaken by the end of the run are left out.
    /// </summary>
    private static List<double> Latencies(List<(DateTimeOffset Ts, string Text)> produced, List<(string Text, DateTimeOffset Reading, DateTimeOffset At)> shown)
    {
        var latencies = new List<double>();
        foreach (var (ts, _) in produced)
        {
            var first = shown.Where(d => d.Reading >= ts).Select(d => d.At).DefaultIfEmpty(DateTimeOffset.MaxValue).Min();
            if (first != DateTimeOffset.MaxValue)
            {
                latencies.Add((first - ts).TotalMilliseconds);
            }
        }

        return latencies;
    }

    // As the page shows power in nl-BE: kW with two decimals and a decimal comma (a household stays below 1,000 kW).
    private static string Kilowatts(int watts) =>
        (watts / 1000.0).ToString("F2", CultureInfo.InvariantCulture).Replace('.', ',');

    private static async Task<(Uri V1, Uri V2, string Ca)> SimulatorAddressesAsync(ChildProcess simulator)
    {
        (Uri, Uri, string)? addresses = null;
        await simulator.WaitUntilReadyAsync(
            _ =>
            {
                var lines = simulator.StandardOutput.Split('\n', StringSplitOptions.TrimEntries);
                var v1 = lines.FirstOrDefault(l => l.StartsWith("v1 ", StringComparison.Ordinal));
                var v2 = lines.FirstOrDefault(l => l.StartsWith("v2 ", StringComparison.Ordinal));
                var ca = lines.FirstOrDefault(l => l.StartsWith("ca ", StringComparison.Ordinal));
                addresses = v1 is not null && v2 is not null && ca is not null ? (new Uri(v1[3..]), new Uri(v2[3..]), ca[3..]) : null;
                return Task.FromResult(addresses is not null);
            },
            "printing its addresses",
            TimeSpan.FromSeconds(60));
        return addresses!.Value;
    }

    private static ChildProcess Start(string program, string[] arguments, Dictionary<string, string?> environment)
    {
        var command = BuiltPrograms.CommandLine(program);
        return new ChildProcess(command[0], [.. command[1..], .. arguments], new ChildProcessOptions
        {
            WorkingDirectory = AppContext.BaseDirectory,
            Environment = environment,
        }).Start();
    }
}
