using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Npgsql;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.ServerBench;

/// <summary>
/// Many homes on one server, as production runs it: each home's edge posts five samples every five seconds
/// over HTTPS through Caddy into <c>p1-server</c> and PostgreSQL with fsync on. The load comes from a separate
/// process (<see cref="FleetLoad"/>); this side starts the parts, measures their CPU and counts the stored rows.
/// </summary>
internal static class FleetBenchmark
{
    private const double TargetP99Ms = 100;
    private const int TargetHomes = 20_000;

    public static async Task RunAsync(BenchOptions options, ResultTable results)
    {
        var homes = options.Homes;
        Console.WriteLine($"fleet: {homes:N0} homes, {options.Seconds} s measured after {options.Warmup} s warm-up, {options.Connections} connections");
        var directory = TestRunDirectory.CreateSubdirectory("bench-fleet");
        try
        {
            var tokens = Enumerable.Range(0, homes).Select(i => (Token: Convert.ToHexString(RandomNumberGenerator.GetBytes(16)), Device: $"home-{i:D5}")).ToArray();
            var tokensFile = Path.Combine(directory, "tokens.txt");
            await File.WriteAllLinesAsync(tokensFile, tokens.Select(t => $"{t.Token} {t.Device}"));

            // Twenty thousand tokens do not fit in one environment variable, so they reach the server through
            // the appsettings.json of its content root, which the configuration reads under the same name.
            var contentRoot = Path.Combine(directory, "server");
            Directory.CreateDirectory(contentRoot);
            await File.WriteAllTextAsync(Path.Combine(contentRoot, "appsettings.json"), JsonSerializer.Serialize(
                new Dictionary<string, string> { ["DEVICE_TOKENS"] = string.Join(',', tokens.Select(t => $"{t.Token}:{t.Device}")) }));

            await using var postgres = await PostgresInstance.StartAsync(durable: true);
            var connectionString = await postgres.CreateDatabaseAsync("fleet");
            var environment = new Dictionary<string, string?>
            {
                ["DATABASE_URL"] = connectionString,
                ["ASPNETCORE_CONTENTROOT"] = contentRoot,
                ["LOG_LEVEL"] = "Warning",
            };
            await ServerProcess.MigrateAsync(environment);
            await using var server = await ServerProcess.StartAsync(environment);
            await using var caddy = await CaddyInstance.StartAsync(new CaddyOptions { Upstream = server.BaseAddress });

            var postmaster = postgres.ServerProcessId;
            var serverCpu = ProcessCpu.TreeCpuSeconds(server.ProcessId);
            var postgresCpu = ProcessCpu.TreeCpuSeconds(postmaster);
            var caddyCpu = ProcessCpu.TreeCpuSeconds(caddy.ProcessId);
            var clock = Stopwatch.StartNew();
            var report = await RunLoadAsync(caddy, tokensFile, options);
            var elapsed = clock.Elapsed.TotalSeconds;
            serverCpu = ProcessCpu.TreeCpuSeconds(server.ProcessId) - serverCpu;
            postgresCpu = ProcessCpu.TreeCpuSeconds(postmaster) - postgresCpu;
            caddyCpu = ProcessCpu.TreeCpuSeconds(caddy.ProcessId) - caddyCpu;

            var stored = await ScalarAsync(connectionString, "SELECT count(*) FROM samples");
            var rolledUp = await ScalarAsync(connectionString, "SELECT coalesce(sum(sample_count), 0)::bigint FROM quarter_hours");
            // A home is served when its post is answered before its next one is due; answers that come later
            // only show a server that fell behind.
            var achievedHomes = report.OnTimeRequestsPerSecond * 5;
            var everyReadingStored = report.Failed == 0 && stored == report.SamplesSent && rolledUp == stored && report.Inserted == stored;

            results.Add($"fleet: homes posting 5 samples / 5 s (offered {homes:N0})",
                string.Create(CultureInfo.InvariantCulture, $"{achievedHomes:N0} homes answered within 5 s, {report.RequestsPerSecond:N0} req/s completed"),
                $"≥ {TargetHomes:N0} homes", achievedHomes >= TargetHomes * 0.98 && homes >= TargetHomes);
            results.Add("fleet: latency from due time, p50 / p99 / max",
                string.Create(CultureInfo.InvariantCulture, $"{report.P50Ms:0.0} / {report.P99Ms:0.0} / {report.MaxMs:0} ms"),
                $"p99 ≤ {TargetP99Ms:0} ms", report.P99Ms <= TargetP99Ms);
            results.Add("fleet: samples stored / acknowledged / sent (rollup count)",
                $"{stored:N0} / {report.SamplesAcknowledged:N0} / {report.SamplesSent:N0} ({rolledUp:N0}), {report.Failed:N0} failed requests",
                "all stored", everyReadingStored);
            results.Add("fleet: CPU of server / PostgreSQL / Caddy (cores)",
                string.Create(CultureInfo.InvariantCulture, $"{serverCpu / elapsed:0.00} / {postgresCpu / elapsed:0.00} / {caddyCpu / elapsed:0.00}"),
                "", null);
            if (report.FirstError is { } error)
            {
                Console.WriteLine($"fleet: first error: {error}");
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<FleetReport> RunLoadAsync(CaddyInstance caddy, string tokensFile, BenchOptions options)
    {
        var startInfo = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "p1-server-bench.dll"), "fleet-load",
            "--url", caddy.BaseUri.ToString(), "--ca", caddy.InternalRootCertificatePath!, "--tokens", tokensFile,
            "--warmup", options.Warmup.ToString(CultureInfo.InvariantCulture),
            "--seconds", options.Seconds.ToString(CultureInfo.InvariantCulture),
            "--connections", options.Connections.ToString(CultureInfo.InvariantCulture),
        })
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var load = Process.Start(startInfo)!;
        var output = await load.StandardOutput.ReadToEndAsync();
        await load.WaitForExitAsync();
        if (load.ExitCode != 0)
        {
            throw new InvalidOperationException($"the load generator exited with {load.ExitCode}: {output}");
        }

        return JsonSerializer.Deserialize(output.Trim().Split('\n')[^1], FleetJsonContext.Default.FleetReport)!;
    }

    private static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
