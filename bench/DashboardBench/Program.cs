using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;
using P1Telemetry.Dashboard.Tests;

// The dashboard's costs, measured against the real server with a month and a half of readings.
var connections = Option("--connections", 1000);
var liveSeconds = Option("--live-seconds", 60);
// --only-live: the latency of the whole chain alone.
var onlyLive = args.Contains("--only-live");
// Timings are measured, not asserted: a busy machine must not fail the run on a test's 5 s expectation.
Assertions.SetDefaultExpectTimeout(30_000);
var fixture = new DashboardServer();
await fixture.InitializeAsync();
var rows = new List<(string Name, string Value, string Target)>();
try
{
    // 1. First load: a browser that has never seen the dashboard, through the sign-in page.
    var visitor = await fixture.NewPageAsync("nl-BE");
    var requests = new List<IRequest>();
    visitor.RequestFinished += (_, request) => requests.Add(request);
    await visitor.GotoAsync("/", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
    long staticBytes = 0;
    foreach (var request in requests)
    {
        var sizes = await request.SizesAsync();
        staticBytes += sizes.ResponseBodySize + sizes.ResponseHeadersSize;
    }

    rows.Add(("first load, sign-in page (compressed, headers included)", $"{staticBytes / 1024.0:F1} KB in {requests.Count} requests", "<= 200 KB"));

    // 2. Signed in: from navigation to the month's chart drawn, five times.
    var page = await fixture.SignedInPageAsync("nl-BE");
    var timings = new List<double>();
    long apiBytes = 0;
    for (var i = 0; i < 5; i++)
    {
        var loaded = new List<IRequest>();
        void Track(object? sender, IRequest request) => loaded.Add(request);
        page.RequestFinished += Track;
        var watch = Stopwatch.StartNew();
        await page.GotoAsync("/?run=" + i);
        await page.Locator("#month-chart canvas").WaitForAsync();
        timings.Add(watch.Elapsed.TotalMilliseconds);
        page.RequestFinished -= Track;
        if (i == 0)
        {
            foreach (var request in loaded)
            {
                apiBytes += (await request.SizesAsync()).ResponseBodySize;
            }
        }
    }

    timings.Sort();
    rows.Add(("signed-in load to the month chart drawn (median of 5)", $"{timings[2]:F0} ms", "-"));
    rows.Add(("signed-in load, bodies transferred (assets revalidated, API JSON)", $"{apiBytes / 1024.0:F1} KB", "-"));

    // 3. Latency of the whole chain: simulator -> edge (default settings) -> server -> SSE -> page, at 1 Hz.
    var (latencies, readings) = await P1Telemetry.DashboardBench.LiveChain.MeasureAsync(fixture, liveSeconds);
    latencies.Sort();
    double Percentile(double p) => latencies.Count == 0 ? double.NaN : latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(p * latencies.Count) - 1)];
    rows.Add(("meter reading produced -> number in the browser, p50", $"{Percentile(0.5):F0} ms ({latencies.Count}/{readings} readings seen)", "-"));
    rows.Add(("meter reading produced -> number in the browser, p95", $"{Percentile(0.95):F0} ms (max {Percentile(1):F0} ms)", "<= 1500 ms"));

    if (!onlyLive)
    {
        // 4. Memory with many open streams, and the time one ingest takes to reach them all.
        var before = ResidentMegabytes(fixture.Server.ProcessId);
        var streams = new List<LiveEvents>();
        var opening = Stopwatch.StartNew();
        for (var i = 0; i < connections; i++)
        {
            var client = fixture.Client(DashboardServer.TokenA);
            var stream = await LiveEvents.OpenAsync(client, DashboardServer.HomeA);
            await stream.NextAsync("realtime", TimeSpan.FromSeconds(30));
            streams.Add(stream);
        }

        opening.Stop();
        await Task.Delay(2000);
        var after = ResidentMegabytes(fixture.Server.ProcessId);
        var fanout = Stopwatch.StartNew();
        var last = await fixture.IngestNowAsync(4321);
        await Task.WhenAll(streams.Select(s => s.NextAsync("realtime", TimeSpan.FromSeconds(60), e => e.GetProperty("power_w").GetInt32() == 4321)));
        fanout.Stop();
        rows.Add(($"server RSS before / with {connections} open streams", $"{before:F0} MB / {after:F0} MB ({(after - before) * 1024 / connections:F1} KB per stream)", "-"));
        rows.Add(($"one ingest reaching all {connections} streams", $"{fanout.Elapsed.TotalMilliseconds:F0} ms (opening them took {opening.Elapsed.TotalSeconds:F1} s)", "-"));
        foreach (var stream in streams)
        {
            await stream.DisposeAsync();
        }

        _ = last;
    }
}
finally
{
    await fixture.DisposeAsync();
}

var width = rows.Max(r => r.Name.Length);
var valueWidth = rows.Max(r => r.Value.Length);
Console.WriteLine();
Console.WriteLine($"{"measure".PadRight(width)} | {"result".PadRight(valueWidth)} | target");
Console.WriteLine($"{new string('-', width)}-+-{new string('-', valueWidth)}-+-------");
foreach (var (name, value, target) in rows)
{
    Console.WriteLine($"{name.PadRight(width)} | {value.PadRight(valueWidth)} | {target}");
}

int Option(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}

static double ResidentMegabytes(int pid)
{
    var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
    return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
}
