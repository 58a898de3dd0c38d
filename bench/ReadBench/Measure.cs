using System.Diagnostics;
using System.Globalization;

namespace P1Telemetry.ReadBench;

/// <summary>Latency percentiles of repeated calls.</summary>
internal static class Measure
{
    /// <summary>
    /// Wall-clock percentiles, and the process CPU time per call: on a shared machine the latter shows what a
    /// call costs when it does not wait for a core.
    /// </summary>
    public static async Task<(double P50, double P95, int Runs, double CpuMs)> LatencyAsync(int iterations, Func<Task> call)
    {
        for (var i = 0; i < Math.Min(5, iterations); i++)
        {
            await call();
        }

        var timings = new double[iterations];
        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        for (var i = 0; i < iterations; i++)
        {
            var watch = Stopwatch.StartNew();
            await call();
            timings[i] = watch.Elapsed.TotalMilliseconds;
        }

        process.Refresh();
        var cpuMs = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds / iterations;
        Array.Sort(timings);
        return (timings[iterations / 2], timings[Math.Min(iterations - 1, (int)(iterations * 0.95))], iterations, cpuMs);
    }

    public static string Ms(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);
}
