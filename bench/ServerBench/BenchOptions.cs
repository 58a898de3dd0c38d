using System.Globalization;

namespace P1Telemetry.ServerBench;

internal sealed record BenchOptions(int Samples, int Batch, int Concurrency, int Seconds, int Connections, int Homes, int Warmup)
{
    public static BenchOptions Parse(string[] args)
    {
        int Get(string name, int fallback)
        {
            var index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
        }

        return new BenchOptions(Get("--samples", 2_000_000), Get("--batch", 5000), Get("--concurrency", 4), Get("--seconds", 10), Get("--connections", 32),
            Get("--homes", 20_000), Get("--warmup", 10));
    }
}
