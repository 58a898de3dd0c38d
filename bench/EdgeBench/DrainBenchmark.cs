using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using P1Telemetry.Edge.Health;
using P1Telemetry.Edge.Spooling;
using P1Telemetry.Edge.Uploading;

namespace P1Telemetry.EdgeBench;

/// <summary>A week of 1 Hz samples (604,800) spooled, then uploaded to a local HTTPS endpoint in 5,000-sample batches.</summary>
internal static class DrainBenchmark
{
    public static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    public static async Task RunAsync(WorkDirectory work, int count, ResultsTable results)
    {
        using var certificates = BenchCertificates.Create();
        await using var endpoint = await IngestEndpoint.StartAsync(certificates.Server);
        using var spool = SampleSpool.Open(work.File("drain-bench.db"), TimeProvider.System);
        for (var start = 0; start < count; start += 50_000)
        {
            await spool.EnqueueManyAsync(Enumerable.Range(start, Math.Min(50_000, count - start)).Select(Samples.At), default);
        }

        using var client = new IngestClient(endpoint.IngestUri, "bench-token", TimeSpan.FromSeconds(30), [certificates.Ca]);
        var health = new HealthMonitor(TimeProvider.System);
        var identity = new DeviceIdentity(null, client, health, NullLogger<DeviceIdentity>.Instance);
        var uploader = new BatchUploader(spool, client, identity, health, 5_000, NullLogger<BatchUploader>.Instance);

        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        UploadStep step;
        do
        {
            step = await uploader.UploadNextAsync(default);
            if (step.Kind is not (UploadStepKind.Uploaded or UploadStepKind.Idle))
            {
                throw new InvalidOperationException("upload failed: " + step.Reason);
            }
        }
        while (step.Kind != UploadStepKind.Idle);

        stopwatch.Stop();
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        var seconds = stopwatch.Elapsed.TotalSeconds;
        results.Add($"backlog drain of {count:N0} samples over HTTPS (gzip, 5,000 per batch)", $"{seconds:0.00} s", "≤ 10 s", seconds <= 10,
            $"{ResultsTable.Rate(endpoint.Samples / seconds)}; endpoint received {endpoint.Samples:N0}; spool left {await spool.CountAsync(default)}; " +
            $"CPU {cpu:0.0} s (edge uploader + endpoint parsing, same process); load average {LoadAverage()} during the run");
    }
}
