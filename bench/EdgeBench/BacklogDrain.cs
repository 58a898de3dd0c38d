using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using P1Telemetry.Edge.Health;
using P1Telemetry.Edge.Spooling;
using P1Telemetry.Edge.Uploading;

namespace P1Telemetry.EdgeBench;

/// <summary>What the edge saw of one drain: wall time, its own CPU time, and what is left in the spool.</summary>
internal sealed record DrainResult(double Seconds, double EdgeCpuSeconds, long SpoolLeft);

/// <summary>
/// The edge side of a backlog drain: a spool holding a week of 1 Hz samples, emptied by the daemon's own
/// uploader (gzip JSON, 5,000 per batch, one request at a time) over HTTPS with the bench CA as extra root.
/// </summary>
internal static class BacklogDrain
{
    public const int BatchSize = 5_000;

    /// <summary>A new spool holding <paramref name="count"/> samples, one a second from second <paramref name="first"/>.</summary>
    public static async Task<SampleSpool> FillAsync(string path, int first, int count)
    {
        var spool = SampleSpool.Open(path, TimeProvider.System);
        for (var start = first; start < first + count; start += 50_000)
        {
            await spool.EnqueueManyAsync(Enumerable.Range(start, Math.Min(50_000, first + count - start)).Select(Samples.At), default);
        }

        return spool;
    }

    /// <summary>Uploads until the spool is empty; any step other than a successful upload fails the run.</summary>
    public static async Task<DrainResult> RunAsync(SampleSpool spool, Uri ingestUri, string token, X509Certificate2 ca, ILogger<BatchUploader> logger)
    {
        using var client = new IngestClient(ingestUri, token, TimeSpan.FromSeconds(30), [ca]);
        var health = new HealthMonitor(TimeProvider.System);
        var identity = new DeviceIdentity(null, client, health, NullLogger<DeviceIdentity>.Instance);
        var uploader = new BatchUploader(spool, client, identity, health, BatchSize, logger);

        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        UploadStep step;
        do
        {
            step = await uploader.UploadNextAsync(default);
            if (step.Kind is not (UploadStepKind.Uploaded or UploadStepKind.Idle))
            {
                throw new InvalidOperationException($"upload failed ({step.Kind}): {step.Reason}");
            }
        }
        while (step.Kind != UploadStepKind.Idle);

        stopwatch.Stop();
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        return new DrainResult(stopwatch.Elapsed.TotalSeconds, cpu, await spool.CountAsync(default));
    }
}
