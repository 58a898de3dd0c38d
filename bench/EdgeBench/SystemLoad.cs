namespace P1Telemetry.EdgeBench;

/// <summary>The machine's load, printed next to timings because other work on the same cores skews them.</summary>
internal static class SystemLoad
{
    /// <summary>The 1, 5 and 15 minute load averages from /proc/loadavg.</summary>
    public static string Average() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
}
