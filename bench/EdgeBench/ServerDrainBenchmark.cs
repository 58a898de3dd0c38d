using System.Globalization;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.EdgeBench;

/// <summary>
/// The backlog drain against the real <c>p1-server</c>: its own process, HTTPS served by Kestrel with a
/// certificate of a bench CA that the edge trusts through its extra-CA list (verification on), storing into
/// SQLite or PostgreSQL. Afterwards the stored rows are counted in the database itself.
/// </summary>
internal static class ServerDrainBenchmark
{
    private const string Token = "drain-bench-token-0123456789abcdef";
    private const string Device = "drain-meter";

    public static async Task RunAsync(WorkDirectory work, int count, string backendName, ResultsTable results)
    {
        await using var backend = await StorageBackend.StartAsync(backendName);
        using var certificates = TestCertificates.Create();
        using var spool = await BacklogDrain.FillAsync(work.File($"drain-{backendName}.db"), count);
        var environment = new Dictionary<string, string?>(backend.ServerEnvironment) { ["DEVICE_TOKENS"] = $"{Token}:{Device}", ["LOG_LEVEL"] = "Warning" };
        if (backend.NeedsMigration)
        {
            await ServerProcess.MigrateAsync(environment);
        }

        var tally = new UploadTally();
        DrainResult drain;
        double serverCpu;
        double? databaseCpu;
        string loadBefore, loadAfter;
        await using (var server = await ServerProcess.StartAsync(environment, certificates))
        {
            loadBefore = SystemLoad.Average();
            var serverCpuBefore = server.TotalProcessorTime;
            var databaseCpuBefore = backend.DatabaseCpuSeconds();
            drain = await BacklogDrain.RunAsync(spool, new Uri(server.BaseAddress, "/v1/ingest"), Token, certificates.CaCertificate, tally);
            serverCpu = (server.TotalProcessorTime - serverCpuBefore).TotalSeconds;
            databaseCpu = backend.DatabaseCpuSeconds() - databaseCpuBefore;
            loadAfter = SystemLoad.Average();
            var exitCode = await server.StopAsync(TimeSpan.FromSeconds(30));
            if (exitCode != 0)
            {
                throw new InvalidOperationException($"p1-server exited with {exitCode} after the drain");
            }
        }

        var stored = await backend.CountAsync(Device);
        var complete = stored.Samples == count && stored.RolledUp == count && tally.Inserted == count && drain.SpoolLeft == 0;
        results.Add($"backlog drain of {count:N0} samples over HTTPS to the real p1-server → {backend.Description}", $"{drain.Seconds:0.00} s",
            "≤ 10 s, all stored", drain.Seconds <= 10 && complete,
            string.Create(CultureInfo.InvariantCulture,
                $"{ResultsTable.Rate(count / drain.Seconds)}; server answered {tally.Inserted:N0} inserted, {tally.Duplicates:N0} duplicates; ") +
            string.Create(CultureInfo.InvariantCulture,
                $"database holds {stored.Samples:N0} samples (rollup counts {stored.RolledUp:N0}); spool left {drain.SpoolLeft}; ") +
            string.Create(CultureInfo.InvariantCulture,
                $"CPU edge {drain.EdgeCpuSeconds:0.0} s, server {serverCpu:0.0} s{(databaseCpu is { } db ? $", PostgreSQL {db:0.0} s" : "")} ") +
            string.Create(CultureInfo.InvariantCulture,
                $"(together {(drain.EdgeCpuSeconds + serverCpu + (databaseCpu ?? 0)) / drain.Seconds:0.00} of {Environment.ProcessorCount} cores busy); ") +
            $"load average {loadBefore} before, {loadAfter} after");
    }
}
