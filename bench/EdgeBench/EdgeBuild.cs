using System.Diagnostics;
using System.Runtime.InteropServices;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.EdgeBench;

/// <summary>
/// How the steady-state benchmark starts <c>p1-edge</c>: the JIT assembly of this build, or the native binary
/// (<c>EDGE_EXECUTABLE</c>, else published here exactly as the README and the image publish it).
/// </summary>
internal sealed record EdgeBuild(string Name, string Program, IReadOnlyList<string> Arguments, double? RssTargetMb, double? CpuTargetPercent)
{
    public static EdgeBuild Jit() => new("JIT", "dotnet", [BuiltPrograms.Assembly("Edge", "p1-edge")], null, null);

    public static async Task<EdgeBuild> NativeAsync()
    {
        var executable = Environment.GetEnvironmentVariable("EDGE_EXECUTABLE");
        if (string.IsNullOrEmpty(executable))
        {
            var output = Path.Combine(EdgeProjectDirectory(), "bin", Configuration(), "native", RuntimeInformation.RuntimeIdentifier);
            executable = Path.Combine(output, "p1-edge");
            Console.Error.WriteLine($"publishing the native edge to {output} (set EDGE_EXECUTABLE to use another build)");
            using var publish = System.Diagnostics.Process.Start(new ProcessStartInfo("dotnet",
                ["publish", EdgeProjectDirectory(), "-c", Configuration(), "-r", RuntimeInformation.RuntimeIdentifier, "-o", output, "-nologo"])
            { UseShellExecute = false })!;
            await publish.WaitForExitAsync();
            if (publish.ExitCode != 0)
            {
                throw new InvalidOperationException($"dotnet publish of the native edge failed ({publish.ExitCode})");
            }
        }

        return File.Exists(executable)
            ? new EdgeBuild("native", executable, [], 20, 0.5)
            : throw new FileNotFoundException("EDGE_EXECUTABLE does not exist", executable);
    }

    private static string Configuration() => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    private static string EdgeProjectDirectory()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "P1Telemetry.slnx")))
        {
            root = root.Parent;
        }

        return Path.Combine(root?.FullName ?? ".", "src", "Edge");
    }
}
