using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.ServerBench;

/// <summary>
/// The open-loop load of a fleet of homes, run as its own process (<c>fleet-load</c>) so that its CPU is not
/// the server's: every home posts a batch of five 1 Hz samples every five seconds at its own phase, whether or
/// not the server kept up. A request's latency counts from the moment it was due, so a server that falls
/// behind shows it in the figures instead of slowing the load down (no coordinated omission).
/// </summary>
internal static class FleetLoad
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(5);
    private const int SamplesPerBatch = 5;

    public static async Task<int> RunAsync(string[] args)
    {
        string Get(string name) => args[Array.IndexOf(args, name) + 1];
        var url = new Uri(Get("--url"));
        var homes = File.ReadAllLines(Get("--tokens")).Select(line => line.Split(' ')).Select(p => (Token: p[0], Device: p[1])).ToArray();
        var warmup = TimeSpan.FromSeconds(int.Parse(Get("--warmup"), CultureInfo.InvariantCulture));
        var measured = TimeSpan.FromSeconds(int.Parse(Get("--seconds"), CultureInfo.InvariantCulture));
        var connections = int.Parse(Get("--connections"), CultureInfo.InvariantCulture);
        using var root = X509CertificateLoader.LoadCertificateFromFile(Get("--ca"));

        var handler = TestCertificates.CreateHandlerTrusting(root);
        handler.MaxConnectionsPerServer = connections;
        handler.PooledConnectionLifetime = Timeout.InfiniteTimeSpan;
        using var client = new HttpClient(handler) { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };

        var counters = new FleetCounters();
        var latencies = new List<double>(capacity: (int)(homes.Length / Period.TotalSeconds * measured.TotalSeconds * 1.1));
        var inFlight = new List<Task>();
        var interval = Period / homes.Length;
        var end = warmup + measured;

        // Every body is serialized and compressed before the clock starts: the edges of a real fleet run on
        // their own machines, so building them here must not take the CPU the server and Caddy are measured on.
        var start = DateTimeOffset.UtcNow;
        var sends = (long)Math.Ceiling(end / interval) + 1;
        var bodies = new byte[sends][];
        for (long i = 0; i < sends; i++)
        {
            var round = i / homes.Length;
            bodies[i] = Batch(homes[i % homes.Length].Device, start + (interval * i) - Period, round);
        }

        start = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        long next = 0;
        while (clock.Elapsed < end)
        {
            // Every send that is due goes out now; sends follow the homes' phases in a fixed cyclic order.
            var due = (long)(clock.Elapsed / interval);
            for (; next <= due && next < sends; next++)
            {
                var home = homes[next % homes.Length];
                var dueAt = interval * next;
                var counted = dueAt >= warmup;
                inFlight.Add(SendAsync(client, home.Token, bodies[next], clock, dueAt, counted, counters, latencies));
                bodies[next] = null!;
            }

            if (inFlight.Count > 4096)
            {
                inFlight.RemoveAll(t => t.IsCompleted);
            }

            await Task.Delay(1);
        }

        await Task.WhenAll(inFlight);
        var report = new FleetReport(
            homes.Length,
            counters.Sent,
            counters.Succeeded,
            counters.Failed,
            counters.SamplesSent,
            counters.SamplesAcknowledged,
            counters.Inserted,
            counters.MeasuredSucceeded / measured.TotalSeconds,
            counters.MeasuredOnTime / measured.TotalSeconds,
            Percentile(latencies, 0.50),
            Percentile(latencies, 0.99),
            latencies.Count == 0 ? 0 : latencies.Max(),
            counters.FirstError);
        Console.WriteLine(JsonSerializer.Serialize(report, FleetJsonContext.Default.FleetReport));
        return 0;
    }

    private static byte[] Batch(string device, DateTimeOffset batchStart, long round)
    {
        var samples = new Sample[SamplesPerBatch];
        for (var i = 0; i < samples.Length; i++)
        {
            var ts = batchStart.AddSeconds(i);
            var power = 400 + (int)((round * 37 + i * 101) % 3000);
            samples[i] = new Sample
            {
                DeviceId = device,
                Ts = new DateTimeOffset(ts.UtcTicks - (ts.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero),
                PowerW = power,
                ImportPowerW = power,
                EnergyImportKwh = 10_000 + (round * 5 + i) / 1000.0,
                EnergyExportKwh = 2_000,
                AveragePower15mW = power,
                PowerL1W = power,
            };
        }

        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            JsonSerializer.Serialize(gzip, new IngestRequest { Samples = samples }, WireJsonContext.Default.IngestRequest);
        }

        return output.ToArray();
    }

    private static async Task SendAsync(
        HttpClient client, string token, byte[] body, Stopwatch clock, TimeSpan dueAt, bool counted, FleetCounters counters, List<double> latencies)
    {
        Interlocked.Increment(ref counters.Sent);
        Interlocked.Add(ref counters.SamplesSent, SamplesPerBatch);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/ingest") { Content = new ByteArrayContent(body) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Content.Headers.ContentEncoding.Add("gzip");
            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
            {
                counters.Fail($"{(int)response.StatusCode}: {text}");
                return;
            }

            var result = JsonSerializer.Deserialize(text, WireJsonContext.Default.IngestResponse)!;
            var latency = (clock.Elapsed - dueAt).TotalMilliseconds;
            Interlocked.Increment(ref counters.Succeeded);
            Interlocked.Add(ref counters.SamplesAcknowledged, result.Inserted + result.Duplicates);
            Interlocked.Add(ref counters.Inserted, result.Inserted);
            if (counted)
            {
                Interlocked.Increment(ref counters.MeasuredSucceeded);
                if (latency <= Period.TotalMilliseconds)
                {
                    Interlocked.Increment(ref counters.MeasuredOnTime);
                }

                lock (latencies)
                {
                    latencies.Add(latency);
                }
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            counters.Fail(ex.Message);
        }
    }

    private static double Percentile(List<double> values, double fraction)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        values.Sort();
        return values[Math.Min(values.Count - 1, (int)(fraction * values.Count))];
    }

    private sealed class FleetCounters
    {
        public long Sent;
        public long Succeeded;
        public long MeasuredSucceeded;
        public long MeasuredOnTime;
        public long Failed;
        public long SamplesSent;
        public long SamplesAcknowledged;
        public long Inserted;

        public string? FirstError { get; private set; }

        public void Fail(string error)
        {
            if (Interlocked.Increment(ref Failed) == 1)
            {
                FirstError = error;
            }
        }
    }
}

internal sealed record FleetReport(
    int Homes,
    long Requests,
    long Succeeded,
    long Failed,
    long SamplesSent,
    long SamplesAcknowledged,
    long Inserted,
    double RequestsPerSecond,
    double OnTimeRequestsPerSecond,
    double P50Ms,
    double P99Ms,
    double MaxMs,
    string? FirstError);

[System.Text.Json.Serialization.JsonSerializable(typeof(FleetReport))]
internal sealed partial class FleetJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
