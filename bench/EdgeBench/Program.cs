using P1Telemetry.EdgeBench;

// edge-bench [all|spool|drain|steady] [--seconds N] [--warmup N] [--transport poll,websocket] [--samples N]
//            [--backend sqlite|postgres|both|none] [--edge jit,native] [--env NAME=VALUE]...
var suite = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "all";
var settings = BenchSettings.Parse(args);
var results = new ResultsTable();
using var work = new WorkDirectory();

if (suite is "all" or "spool")
{
    await SpoolBenchmarks.RunAsync(work, results);
}

if (suite is "all" or "drain")
{
    await DrainBenchmark.RunAsync(work, settings.DrainSamples, results);
    foreach (var backend in settings.Backends)
    {
        await ServerDrainBenchmark.RunAsync(work, settings.DrainSamples, backend, results);
    }
}

if (suite is "all" or "steady")
{
    List<EdgeBuild> builds = [];
    foreach (var edge in settings.EdgeBuilds)
    {
        builds.Add(edge switch
        {
            "jit" => EdgeBuild.Jit(),
            "native" => await EdgeBuild.NativeAsync(),
            _ => throw new ArgumentException($"--edge takes jit and/or native, not '{edge}'"),
        });
    }

    foreach (var transport in settings.Transports)
    {
        foreach (var build in builds)
        {
            await SteadyStateBenchmark.RunAsync(work, transport, build, settings.WarmupSeconds, settings.Seconds, settings.ExtraEnvironment, results);
        }
    }
}

results.Print(Console.Out);
return results.AllTargetsMet ? 0 : 1;
