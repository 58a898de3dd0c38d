using System.Diagnostics;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.Edge.Tests.Infrastructure;

/// <summary>
/// Starts the real <c>p1-edge</c> (built next to the tests, or the native binary that <c>P1_EDGE_EXECUTABLE</c>
/// names) as a child process.
/// </summary>
public static class EdgeProcess
{
    public static Process Start(IReadOnlyList<string> arguments, Dictionary<string, string> environment)
    {
        var command = BuiltPrograms.CommandLine(BuiltPrograms.Edge());
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in command.Skip(1).Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        // Only what the test sets: nothing from the developer's own environment leaks into the edge's settings.
        foreach (var name in new[] { "HW_P1_HOST", "HW_P1_TOKEN", "HW_API_VERSION", "HW_CA_FILE", "DEVICE_ID", "VPS_INGEST_URL", "VPS_TOKEN", "VPS_CA_FILE", "SPOOL_PATH", "HEALTH_PATH", "POLL_INTERVAL_S", "UPLOAD_INTERVAL_S", "BATCH_SIZE", "HW_TRANSPORT", "LOG_LEVEL" })
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return Process.Start(start) ?? throw new InvalidOperationException("could not start p1-edge");
    }
}
