using Microsoft.Extensions.Logging.Abstractions;
using P1Telemetry.Edge.Uploading;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.EdgeBench;

/// <summary>
/// A week of 1 Hz samples (604,800) spooled, then uploaded to an in-process HTTPS endpoint that only parses
/// them: the edge's own ceiling, without any storage behind it.
/// </summary>
internal static class DrainBenchmark
{
    public static async Task RunAsync(WorkDirectory work, int count, ResultsTable results)
    {
        using var certificates = TestCertificates.Create();
        await using var endpoint = await IngestEndpoint.StartAsync(certificates.ServerCertificate);
        using var spool = await BacklogDrain.FillAsync(work.File("drain-bench.db"), 0, count);
        var loadBefore = SystemLoad.Average();
        var drain = await BacklogDrain.RunAsync(spool, endpoint.IngestUri, "bench-token", certificates.CaCertificate, NullLogger<BatchUploader>.Instance);
        results.Add($"backlog drain of {count:N0} samples over HTTPS to a parse-only endpoint (gzip, 5,000 per batch)", $"{drain.Seconds:0.00} s", "≤ 10 s", drain.Seconds <= 10,
            $"{ResultsTable.Rate(endpoint.Samples / drain.Seconds)}; endpoint received {endpoint.Samples:N0}; spool left {drain.SpoolLeft}; " +
            $"CPU {drain.EdgeCpuSeconds:0.0} s (edge uploader + endpoint parsing, same process); load average {loadBefore} before, {SystemLoad.Average()} after");
    }
}
