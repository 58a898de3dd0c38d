using System.Diagnostics;
using System.Globalization;
using P1Telemetry.MeterSimulator;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.EdgeBench;

/// <summary>
/// The real <c>p1-edge</c> process polling the simulator at 1 Hz and uploading every 5 s to a local HTTPS
/// endpoint, once as the JIT assembly and once as the native binary; memory and CPU read from /proc after a
/// warm-up.
/// </summary>
internal static class SteadyStateBenchmark
{
    public static async Task RunAsync(WorkDirectory work, string transport, EdgeBuild build, int warmupSeconds, int seconds, IReadOnlyList<string> extraEnvironment, ResultsTable results)
    {
        using var certificates = TestCertificates.Create();
        await using var endpoint = await IngestEndpoint.StartAsync(certificates.ServerCertificate);
        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions { StateDirectory = work.File($"sim-state-{transport}-{build.Name}") });

        var start = new ProcessStartInfo(build.Program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in build.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["HW_P1_HOST"] = simulator.V2BaseUri.ToString();
        start.Environment["HW_P1_TOKEN"] = simulator.CreatePairedToken("local/bench");
        start.Environment["HW_CA_FILE"] = simulator.CaCertificatePath;
        start.Environment["HW_TRANSPORT"] = transport;
        start.Environment["VPS_INGEST_URL"] = endpoint.IngestUri.ToString();
        start.Environment["VPS_TOKEN"] = "bench-token";
        start.Environment["VPS_CA_FILE"] = certificates.CaCertificatePath;
        start.Environment["SPOOL_PATH"] = work.File($"steady-{transport}-{build.Name}/spool.db");
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
            var cpuBefore = ProcessCpu.CpuTicks(process.Id);
            var systemBefore = ProcessCpu.CpuTicks(process.Id, systemOnly: true);
            var wall = Stopwatch.StartNew();
            var readings = new List<MemoryRollup>();
            for (var i = 0; i < seconds; i++)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
                readings.Add(MemoryRollup.Read(process.Id));
            }

            var cpuSeconds = (ProcessCpu.CpuTicks(process.Id) - cpuBefore) / (double)ProcessCpu.ClockTicksPerSecond;
            var systemSeconds = (ProcessCpu.CpuTicks(process.Id, systemOnly: true) - systemBefore) / (double)ProcessCpu.ClockTicksPerSecond;
            var cpuPercent = 100 * cpuSeconds / wall.Elapsed.TotalSeconds;
            var uploaded = endpoint.Samples - samplesBefore;
            var last = readings[^1];
            var maxRss = readings.Max(r => r.RssKb);
            var label = $"edge steady state, {build.Name} ({transport}, v2 HTTPS, 1 Hz, {seconds} s after {warmupSeconds} s warm-up{(extraEnvironment.Count > 0 ? ", " + string.Join(' ', extraEnvironment) : "")})";
            results.Add(label + ": memory",
                $"RSS {Mb(maxRss)} · PSS {Mb(readings.Max(r => r.PssKb))} · private {Mb(readings.Max(r => r.PrivateKb))}",
                build.RssTargetMb is { } rssTarget ? $"RSS ≤ {rssTarget} MB" : "",
                build.RssTargetMb is { } target ? maxRss <= target * 1024 : null,
                $"maxima over the run (smaps_rollup); mean RSS {Mb((long)readings.Average(r => r.RssKb))}; private = anonymous {Mb(last.AnonymousKb)} + private file pages; shared {Mb(last.SharedKb)} (libraries and program files other processes map too)");
            results.Add(label + ": CPU", $"{cpuPercent:0.00} % of a core",
                build.CpuTargetPercent is { } cpuTarget ? $"≤ {cpuTarget.ToString(CultureInfo.InvariantCulture)} %" : "",
                build.CpuTargetPercent is { } limit ? cpuPercent <= limit : null,
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

    private static string Mb(long kb) => $"{kb / 1024.0:0.0} MB";

    /// <summary>One sample of /proc/PID/smaps_rollup: what the process maps, its share, and what only it holds.</summary>
    private sealed record MemoryRollup(long RssKb, long PssKb, long PrivateKb, long SharedKb, long AnonymousKb)
    {
        public static MemoryRollup Read(int pid)
        {
            var fields = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var line in File.ReadLines($"/proc/{pid}/smaps_rollup"))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0 && line.EndsWith(" kB", StringComparison.Ordinal)
                    && long.TryParse(line[(colon + 1)..^3], NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out var kb))
                {
                    fields[line[..colon]] = kb;
                }
            }

            long Field(string name) => fields.GetValueOrDefault(name);
            return new MemoryRollup(Field("Rss"), Field("Pss"), Field("Private_Clean") + Field("Private_Dirty"),
                Field("Shared_Clean") + Field("Shared_Dirty"), Field("Anonymous"));
        }
    }
}
