using System.Globalization;
using P1Telemetry.Edge.Spooling;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.EdgeBench;

/// <summary>
/// The backlog drain against the real <c>p1-server</c>: its own process, HTTPS served by Kestrel with a
/// certificate of a bench CA that the edge trusts through its extra-CA list (verification on), storing into
/// SQLite or PostgreSQL. Two weeks in a row to the same process: first right after its start (every code path
/// still to be compiled), then warm, as a long-running server meets an edge back from an outage. Afterwards the
/// stored rows are counted in the database itself.
/// </summary>
internal static class ServerDrainBenchmark
{
    private const string Token = "drain-bench-token-0123456789abcdef";
    private const string Device = "drain-meter";
    private static readonly string[] Passes = ["server just started", "same server again (warm), the following week"];

    public static async Task RunAsync(WorkDirectory work, int count, string backendName, ResultsTable results)
    {
        await using var backend = await StorageBackend.StartAsync(backendName);
        using var certificates = TestCertificates.Create();
        var environment = new Dictionary<string, string?>(backend.ServerEnvironment) { ["DEVICE_TOKENS"] = $"{Token}:{Device}", ["LOG_LEVEL"] = "Warning" };
        if (backend.NeedsMigration)
        {
            await ServerProcess.MigrateAsync(environment);
        }

        var passes = new List<PassResult>();
        await using (var server = await ServerProcess.StartAsync(environment, certificates))
        {
            for (var week = 0; week < Passes.Length; week++)
            {
                using var spool = await BacklogDrain.FillAsync(work.File($"drain-{backendName}-{week}.db"), week * count, count);
                passes.Add(await DrainAsync(spool, server, backend, certificates));
            }

            var exitCode = await server.StopAsync(TimeSpan.FromSeconds(30));
            if (exitCode != 0)
            {
                throw new InvalidOperationException($"p1-server exited with {exitCode} after the drain: {server.StandardError}");
            }
        }

        var stored = await backend.CountAsync(Device);
        var expected = (long)count * Passes.Length;
        var allStored = stored.Samples == expected && stored.RolledUp == expected;
        for (var i = 0; i < passes.Count; i++)
        {
            var pass = passes[i];
            results.Add($"backlog drain of {count:N0} samples over HTTPS to the real p1-server → {backend.Description}, {Passes[i]}",
                $"{pass.Drain.Seconds:0.00} s", "≤ 10 s, all stored",
                pass.Drain.Seconds <= 10 && allStored && pass.Inserted == count && pass.Drain.SpoolLeft == 0,
                string.Create(CultureInfo.InvariantCulture,
                    $"{ResultsTable.Rate(count / pass.Drain.Seconds)}; server answered {pass.Inserted:N0} inserted, {pass.Duplicates:N0} duplicates; spool left {pass.Drain.SpoolLeft}; ") +
                string.Create(CultureInfo.InvariantCulture,
                    $"database holds {stored.Samples:N0} of {expected:N0} samples of both weeks (rollup counts {stored.RolledUp:N0}); ") +
                string.Create(CultureInfo.InvariantCulture,
                    $"CPU edge {pass.Drain.EdgeCpuSeconds:0.0} s, server {pass.ServerCpuSeconds:0.0} s{(pass.DatabaseCpuSeconds is { } db ? $", PostgreSQL {db:0.0} s" : "")} ") +
                string.Create(CultureInfo.InvariantCulture,
                    $"(together {(pass.Drain.EdgeCpuSeconds + pass.ServerCpuSeconds + (pass.DatabaseCpuSeconds ?? 0)) / pass.Drain.Seconds:0.00} of {Environment.ProcessorCount} cores busy); ") +
                $"load average {pass.LoadBefore} before, {pass.LoadAfter} after");
        }
    }

    private static async Task<PassResult> DrainAsync(SampleSpool spool, ServerProcess server, StorageBackend backend, TestCertificates certificates)
    {
        var tally = new UploadTally();
        var loadBefore = SystemLoad.Average();
        var serverCpuBefore = server.TotalProcessorTime;
        var databaseCpuBefore = backend.DatabaseCpuSeconds();
        var drain = await BacklogDrain.RunAsync(spool, new Uri(server.BaseAddress, "/v1/ingest"), Token, certificates.CaCertificate, tally);
        var serverCpu = (server.TotalProcessorTime - serverCpuBefore).TotalSeconds;
        var databaseCpu = backend.DatabaseCpuSeconds() - databaseCpuBefore;
        return new PassResult(drain, tally.Inserted, tally.Duplicates, serverCpu, databaseCpu, loadBefore, SystemLoad.Average());
    }

    private sealed record PassResult(DrainResult Drain, long Inserted, long Duplicates, double ServerCpuSeconds, double? DatabaseCpuSeconds, string LoadBefore, string LoadAfter);
}
