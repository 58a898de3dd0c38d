using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.Edge.Tests.Infrastructure;

/// <summary>
/// Starts the real <c>p1-edge</c> (built next to the tests, or the native binary that <c>P1_EDGE_EXECUTABLE</c>
/// names) as a child process.
/// </summary>
public static class EdgeProcess
{
    // Only what the test sets: nothing from the developer's own environment leaks into the edge's settings.
    private static readonly string[] EdgeVariables =
    [
        "HW_P1_HOST", "HW_P1_TOKEN", "HW_API_VERSION", "HW_CA_FILE", "DEVICE_ID", "VPS_INGEST_URL", "VPS_TOKEN", "VPS_CA_FILE",
        "SPOOL_PATH", "HEALTH_PATH", "POLL_INTERVAL_S", "UPLOAD_INTERVAL_S", "BATCH_SIZE", "HW_TRANSPORT", "LOG_LEVEL",
    ];

    public static ChildProcess Start(IReadOnlyList<string> arguments, Dictionary<string, string> environment)
    {
        var variables = EdgeVariables.ToDictionary(name => name, string? (_) => null);
        foreach (var (name, value) in environment)
        {
            variables[name] = value;
        }

        var command = BuiltPrograms.CommandLine(BuiltPrograms.Edge());
        return new ChildProcess(command[0], [.. command[1..], .. arguments], new ChildProcessOptions
        {
            Environment = variables,
            RedirectStandardInput = true,
        }).Start();
    }
}
