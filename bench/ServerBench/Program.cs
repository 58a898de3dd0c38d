using System.Globalization;
using P1Telemetry.ServerBench;

// Server benchmarks: `ingest` (HTTP ingest into PostgreSQL with rollups vs raw COPY, duplicates, SQLite),
// `realtime` (cached realtime reads vs a trivial endpoint) and `fleet` (many homes posting small batches through
// Caddy into PostgreSQL with fsync on). Without a command `ingest` and `realtime` run. Options:
// --samples N (2000000) --batch N (5000) --concurrency N (4) --seconds N (10) --connections N (32)
// fleet: --homes N (20000) --warmup N (10) --seconds N --connections N
var command = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "all";
if (command == "fleet-load")
{
    return await FleetLoad.RunAsync(args[1..]);
}

var options = BenchOptions.Parse(args);
var results = new ResultTable();

if (command is "ingest" or "all")
{
    await IngestBenchmark.RunAsync(options, results);
}

if (command is "realtime" or "all")
{
    await RealtimeBenchmark.RunAsync(options, results);
}

if (command is "fleet")
{
    await FleetBenchmark.RunAsync(options, results);
}

if (command is not ("ingest" or "realtime" or "fleet" or "all"))
{
    await Console.Error.WriteLineAsync($"Unknown command '{command}'. Use ingest, realtime, fleet or all.");
    return 2;
}

results.Print(Console.Out);
Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"(machine: {Environment.ProcessorCount} cores; server and client share them)"));
return results.AllTargetsMet ? 0 : 1;
