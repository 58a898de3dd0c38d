using System.Diagnostics;
using System.Globalization;

namespace P1Telemetry.TestInfrastructure;

/// <summary>CPU time of other processes, from /proc/PID/stat (Linux), for benchmarks that report where time went.</summary>
public static class ProcessCpu
{
    private static readonly Lazy<long> _clockTicksPerSecond = new(ReadClockTicksPerSecond);

    public static long ClockTicksPerSecond => _clockTicksPerSecond.Value;

    /// <summary>utime + stime of the process, in clock ticks (/proc/PID/stat fields 14 and 15).</summary>
    public static long CpuTicks(int pid, bool systemOnly = false)
    {
        var fields = Fields(pid) ?? throw new InvalidOperationException($"process {pid} is gone");
        var system = long.Parse(fields[12], CultureInfo.InvariantCulture);
        return systemOnly ? system : long.Parse(fields[11], CultureInfo.InvariantCulture) + system;
    }

    public static int ParentId(int pid) => int.Parse((Fields(pid) ?? throw new InvalidOperationException($"process {pid} is gone"))[1], CultureInfo.InvariantCulture);

    /// <summary>
    /// CPU seconds of a process and its children: its own time, the time of the children it already reaped
    /// (fields 16 and 17) and that of the children still running (e.g. a database's backend processes).
    /// </summary>
    public static double TreeCpuSeconds(int pid)
    {
        var own = Fields(pid) ?? throw new InvalidOperationException($"process {pid} is gone");
        var ticks = Sum(own, 11, 12, 13, 14);
        var parent = pid.ToString(CultureInfo.InvariantCulture);
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), CultureInfo.InvariantCulture, out var child)
                && Fields(child) is { } fields && fields[1] == parent)
            {
                ticks += Sum(fields, 11, 12);
            }
        }

        return ticks / (double)ClockTicksPerSecond;
    }

    /// <summary>The fields after the command name (index 0 is field 3, the state), or null when the process is gone.</summary>
    private static string[]? Fields(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static long Sum(string[] fields, params int[] indexes) => indexes.Sum(i => long.Parse(fields[i], CultureInfo.InvariantCulture));

    private static long ReadClockTicksPerSecond()
    {
        using var getconf = Process.Start(new ProcessStartInfo("getconf", "CLK_TCK") { RedirectStandardOutput = true })!;
        var text = getconf.StandardOutput.ReadToEnd().Trim();
        getconf.WaitForExit();
        return long.TryParse(text, CultureInfo.InvariantCulture, out var ticks) ? ticks : 100;
    }
}
