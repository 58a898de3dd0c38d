namespace P1Telemetry.TestInfrastructure;

/// <summary>The programs under test as this build produced them.</summary>
public static class BuiltPrograms
{
    /// <summary>
    /// <c>src/{project}/bin/{configuration}/net10.0/{assembly}.dll</c> in the tests' own configuration: a program's
    /// own build output, whose deps.json resolves its packages (a test output does not carry them all).
    /// </summary>
    public static string Assembly(string project, string assembly)
    {
        var parts = AppContext.BaseDirectory.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        var bin = Array.LastIndexOf(parts, "bin");
        var configuration = bin >= 0 && bin + 1 < parts.Length ? parts[bin + 1] : "Debug";
        var path = RepositoryRoot.Combine("src", project, "bin", configuration, "net10.0", assembly + ".dll");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"{path} is missing: build the solution ({configuration}) before running the tests.", path);
    }

    /// <summary>The server under test: <c>p1-server.dll</c> of this build.</summary>
    public static string Server() => Assembly("Server", "p1-server");

    /// <summary>The meter simulator: <c>p1-meter-simulator.dll</c> of this build.</summary>
    public static string Simulator() => Assembly("MeterSimulator", "p1-meter-simulator");

    /// <summary>
    /// The edge under test: the JIT assembly of this build (run with <c>dotnet</c>), or the native binary that
    /// <c>P1_EDGE_EXECUTABLE</c> names (<c>scripts/test.sh</c> publishes it and runs the edge's tests against it too).
    /// </summary>
    public static string Edge()
    {
        var native = Environment.GetEnvironmentVariable("P1_EDGE_EXECUTABLE");
        if (string.IsNullOrEmpty(native))
        {
            return Assembly("Edge", "p1-edge");
        }

        var path = Path.GetFullPath(native);
        return File.Exists(path) ? path : throw new FileNotFoundException($"P1_EDGE_EXECUTABLE names {path}, which does not exist.", path);
    }

    /// <summary>The command line that starts <paramref name="program"/>: <c>dotnet program.dll</c>, or the native binary itself.</summary>
    public static string[] CommandLine(string program) =>
        program.EndsWith(".dll", StringComparison.Ordinal) ? ["dotnet", program] : [program];
}
