using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.ServerBench;

/// <summary>Cached <c>GET /v1/realtime</c> against a trivial endpoint of the same server, same connections.</summary>
internal static class RealtimeBenchmark
{
    private const double TargetRatio = 0.6;
    private const double TargetP99Ms = 5;

    public static async Task RunAsync(BenchOptions options, ResultTable results)
    {
        var dataDirectory = TestRunDirectory.CreateSubdirectory("bench-realtime");
        try
        {
            await using var server = await ServerHost.StartAsync(new Dictionary<string, string> { ["DATA_DIR"] = dataDirectory });
            using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = options.Connections })
            {
                BaseAddress = server.BaseAddress,
            };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ServerHost.Token);
            // A live device: the month so far up to this second, so that every realtime answer also computes
            // the quarter in progress against the month's peak, as it does for a real meter.
            var now = DateTimeOffset.UtcNow;
            var monthStart = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero).AddDays(-1);
            var interval = TimeSpan.FromSeconds(10);
            var count = (int)((now - monthStart) / interval);
            foreach (var batch in BenchSamples.GzipBatches(BenchSamples.Generate(count, now - (interval * count), interval), 5_000))
            {
                var content = new ByteArrayContent(batch);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                content.Headers.ContentEncoding.Add("gzip");
                (await client.PostAsync("/v1/ingest", content)).EnsureSuccessStatusCode();
            }

            using (var probe = await client.GetAsync($"/v1/realtime?device_id={ServerHost.Device}"))
            {
                var body = await probe.Content.ReadAsStringAsync();
                if (!body.Contains("\"live_quarter\":{", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException("the realtime answer carries no live quarter: " + body);
                }
            }

            Console.WriteLine($"realtime: {options.Connections} connections, {options.Seconds} s per endpoint");
            var trivial = await LoadAsync(client, "/health/live", options);
            var realtime = await LoadAsync(client, $"/v1/realtime?device_id={ServerHost.Device}", options);

            results.Add($"GET /health/live (trivial), {options.Connections} connections",
                $"{ResultTable.Rate(trivial.RequestsPerSecond)}, p50 {trivial.P50Ms:0.00} ms, p99 {trivial.P99Ms:0.00} ms", "", null);
            var ratio = realtime.RequestsPerSecond / trivial.RequestsPerSecond;
            results.Add($"GET /v1/realtime (cached sample + live quarter), {options.Connections} connections",
                string.Create(CultureInfo.InvariantCulture, $"{ResultTable.Rate(realtime.RequestsPerSecond)} ({ratio:0.00}× trivial)"),
                $"≥ {TargetRatio:0.0}× trivial", ratio >= TargetRatio);
            results.Add("GET /v1/realtime latency", string.Create(CultureInfo.InvariantCulture, $"p50 {realtime.P50Ms:0.00} ms, p99 {realtime.P99Ms:0.00} ms"),
                $"p99 ≤ {TargetP99Ms} ms", realtime.P99Ms <= TargetP99Ms);
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private static async Task<LoadResult> LoadAsync(HttpClient client, string path, BenchOptions options)
    {
        await RunWorkersAsync(client, path, options.Connections, TimeSpan.FromSeconds(2), null);
        var latencies = new List<long>[options.Connections];
        var stopwatch = Stopwatch.StartNew();
        await RunWorkersAsync(client, path, options.Connections, TimeSpan.FromSeconds(options.Seconds), latencies);
        var elapsed = stopwatch.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        double Percentile(double p) => all[Math.Min(all.Length - 1, (int)(all.Length * p))] * 1000.0 / Stopwatch.Frequency;
        return new LoadResult(all.Length / elapsed, Percentile(0.50), Percentile(0.99));
    }

    private static Task RunWorkersAsync(HttpClient client, string path, int connections, TimeSpan duration, List<long>[]? latencies)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        return Task.WhenAll(Enumerable.Range(0, connections).Select(worker => Task.Run(async () =>
        {
            var recorded = new List<long>(100_000);
            if (latencies is not null)
            {
                latencies[worker] = recorded;
            }

            while (Stopwatch.GetTimestamp() < deadline)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await client.GetAsync(path);
                await response.Content.ReadAsByteArrayAsync();
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}");
                }

                recorded.Add(Stopwatch.GetTimestamp() - started);
            }
        })));
    }

    private sealed record LoadResult(double RequestsPerSecond, double P50Ms, double P99Ms);
}
