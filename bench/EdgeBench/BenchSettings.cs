using System.Globalization;

namespace P1Telemetry.EdgeBench;

internal sealed record BenchSettings(int Seconds, int WarmupSeconds, IReadOnlyList<string> Transports, int DrainSamples, IReadOnlyList<string> Backends, IReadOnlyList<string> EdgeBuilds, IReadOnlyList<string> ExtraEnvironment)
{
    public static BenchSettings Parse(string[] args)
    {
        string? Value(string name)
        {
            var index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
        }

        return new BenchSettings(
            int.Parse(Value("--seconds") ?? "60", CultureInfo.InvariantCulture),
            int.Parse(Value("--warmup") ?? "10", CultureInfo.InvariantCulture),
            (Value("--transport") ?? "poll").Split(','),
            int.Parse(Value("--samples") ?? "604800", CultureInfo.InvariantCulture),
            (Value("--backend") ?? "both") switch
            {
                "both" => StorageBackend.Names,
                "none" => [],
                var names => names.Split(','),
            },
            (Value("--edge") ?? "jit,native").Split(','),
            args.Select((a, i) => (a, i)).Where(x => x.a == "--env" && x.i + 1 < args.Length).Select(x => args[x.i + 1]).ToList());
    }
}

/// <summary>Scratch files for one run, removed at the end.</summary>
internal sealed class WorkDirectory : IDisposable
{
    public WorkDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "edge-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
