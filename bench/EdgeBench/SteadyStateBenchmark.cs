using System.Diagnostics;
using System.Globalization;
using P1Telemetry.MeterSimulator;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.EdgeBench;

/// <summary>
/// The real <c>p1-edge</c> process polling the simulator at 1 Hz and uploading every 5 s to a local HTTPS
/// endpoint; RSS and CPU read from /proc after a warm-up.
/// </summary>
internal static class SteadyStateBenchmark
{
    public static async Task RunAsync(WorkDirectory work, string transport, int warmupSeconds, int seconds, IReadOnlyList<string> extraEnvironment, ResultsTable results)
    {
        using var certificates = TestCertificates.Create();
        await using var endpoint = await IngestEndpoint.StartAsync(certificates.ServerCertificate);
        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions { StateDirectory = work.File("sim-state-" + transport) });

        // EDGE_EXECUTABLE measures a published build (e.g. self-contained and trimmed) instead of the dll.
        var executable = Environment.GetEnvironmentVariable("EDGE_EXECUTABLE");
        var start = new ProcessStartInfo(string.IsNullOrEmpty(executable) ? "dotnet" : executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (string.IsNullOrEmpty(executable))
        {
            start.ArgumentList.Add(EdgeDll());
        }

        start.Environment["HW_P1_HOST"] = simulator.V2BaseUri.ToString();
        start.Environment["HW_P1_TOKEN"] = simulator.CreatePairedToken("local/bench");
        start.Environment["HW_CA_FILE"] = simulator.CaCertificatePath;
        start.Environment["HW_TRANSPORT"] = transport;
        start.Environment["VPS_INGEST_URL"] = endpoint.IngestUri.ToString();
        start.Environment["VPS_TOKEN"] = "bench-token";
        start.Environment["VPS_CA_FILE"] = certificates.CaCertificatePath;
        start.Environment["SPOOL_PATH"] = work.File($"steady-{transport}/spool.db");
        start.Environment["POLL_INTERVAL_S"] = "1";
        start.Environment["UPLOAD_INTERVAL_S"] = "5";
        foreach (var setting in extraEnvironment)
        {
            var parts = setting.Split('=', 2);
            start.Environment[parts[0]] = parts[1];
        }

        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine("p1-edge: " + e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(warmupSeconds));
            var samplesBefore = endpoint.Samples;
            var cpuBefore = ProcStat.CpuTicks(process.Id);
            var systemBefore = ProcStat.CpuTicks(process.Id, systemOnly: true);
            var wall = Stopwatch.StartNew();
            long maxRss = 0;
            var rssReadings = new List<long>();
            for (var i = 0; i < seconds; i++)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
                var rss = StatusKb(process.Id, "VmRSS:");
                rssReadings.Add(rss);
                maxRss = Math.Max(maxRss, rss);
            }

            var cpuSeconds = (ProcStat.CpuTicks(process.Id) - cpuBefore) / (double)ProcStat.ClockTicksPerSecond;
            var systemSeconds = (ProcStat.CpuTicks(process.Id, systemOnly: true) - systemBefore) / (double)ProcStat.ClockTicksPerSecond;
            var pss = RollupKb(process.Id, "Pss:");
            var anon = StatusKb(process.Id, "RssAnon:");
            var cpuPercent = 100 * cpuSeconds / wall.Elapsed.TotalSeconds;
            var uploaded = endpoint.Samples - samplesBefore;
            var label = $"edge steady state ({transport}, v2 HTTPS, 1 Hz, {seconds} s after {warmupSeconds} s warm-up{(extraEnvironment.Count > 0 ? ", " + string.Join(' ', extraEnvironment) : "")})";
            results.Add(label + ": RSS max", $"{maxRss / 1024.0:0.0} MB", "≤ 40 MB", maxRss <= 40 * 1024,
                $"mean {rssReadings.Average() / 1024.0:0.0} MB, VmHWM {StatusKb(process.Id, "VmHWM:") / 1024.0:0.0} MB; PSS {pss / 1024.0:0.0} MB; private anonymous {anon / 1024.0:0.0} MB (the rest is shared runtime files)");
            results.Add(label + ": CPU", $"{cpuPercent:0.00} % of a core", "≤ 1 %", cpuPercent <= 1,
                $"{cpuSeconds:0.00} s CPU ({systemSeconds:0.00} s kernel: fsync, sockets) in {wall.Elapsed.TotalSeconds:0} s; {uploaded} samples uploaded meanwhile; load average {SystemLoad.Average()}");
        }
        finally
        {
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            if (!process.WaitForExit(20_000))
            {
                process.Kill();
            }
        }
    }

    private static string EdgeDll()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var root = output;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "P1Telemetry.slnx")))
        {
            root = root.Parent;
        }

        var path = Path.Combine(root?.FullName ?? ".", "src", "Edge", "bin", output.Parent!.Name, output.Name, "p1-edge.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("build src/Edge in the same configuration first", path);
    }

    private static long RollupKb(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/smaps_rollup"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    private static long StatusKb(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }
}
