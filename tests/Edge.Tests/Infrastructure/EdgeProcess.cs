using System.Diagnostics;

namespace P1Telemetry.Edge.Tests.Infrastructure;

/// <summary>
/// Starts the real <c>p1-edge</c> (built next to the tests, or the native binary that <c>P1_EDGE_EXECUTABLE</c>
/// names) as a child process.
/// </summary>
public static class EdgeProcess
{
    /// <summary>
    /// The edge's own build output (same configuration as the tests): its deps.json resolves its packages,
    /// which the test output (with the ASP.NET Core framework) does not carry.
    /// </summary>
    public static string DllPath
    {
        get
        {
            var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var framework = output.Name;
            var configuration = output.Parent!.Name;
            var root = output;
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "P1Telemetry.slnx")))
            {
                root = root.Parent;
            }

            if (root is null)
            {
                throw new InvalidOperationException("the repository root (P1Telemetry.slnx) is not above " + AppContext.BaseDirectory);
            }

            var path = Path.Combine(root.FullName, "src", "Edge", "bin", configuration, framework, "p1-edge.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("build src/Edge first", path);
        }
    }

    public static Process Start(IReadOnlyList<string> arguments, Dictionary<string, string> environment)
    {
        var native = Environment.GetEnvironmentVariable("P1_EDGE_EXECUTABLE");
        var start = new ProcessStartInfo(string.IsNullOrEmpty(native) ? "dotnet" : Path.GetFullPath(native))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (string.IsNullOrEmpty(native))
        {
            start.ArgumentList.Add(DllPath);
        }

        foreach (var argument in arguments)
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
