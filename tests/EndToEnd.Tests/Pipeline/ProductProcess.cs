using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.EndToEnd.Tests.Pipeline;

/// <summary>
/// One of the product's programs (<c>p1-server</c>, <c>p1-edge</c>) as a real child process, built by the same
/// build as the tests, its output written to <c>{logName}.log</c> in the scratch directory when disposed. The
/// scratch directory appears in its command line (a harmless host probing path, or for a native binary the link
/// it is started through) so that <c>scripts/test.sh</c> can clean up leftovers by the run directory.
/// </summary>
internal static class ProductProcess
{
    public static ChildProcess Create(string program, string[] arguments, IReadOnlyDictionary<string, string> environment, string scratchDirectory, string logName)
    {
        var native = !program.EndsWith(".dll", StringComparison.Ordinal);
        return new ChildProcess(
            native ? NativeLink(program, scratchDirectory) : "dotnet",
            native ? arguments : ["exec", "--additionalprobingpath", scratchDirectory, program, .. arguments],
            new ChildProcessOptions
            {
                WorkingDirectory = scratchDirectory,
                Environment = environment.Select(variable => KeyValuePair.Create(variable.Key, (string?)variable.Value)),
                LogPath = Path.Combine(scratchDirectory, logName + ".log"),
            });
    }

    /// <summary>
    /// A symbolic link to the native binary inside the scratch directory: the process still finds the files next
    /// to the binary itself (it resolves its own path), and its command line names the scratch directory.
    /// </summary>
    private static string NativeLink(string program, string scratchDirectory)
    {
        var link = Path.Combine(scratchDirectory, Path.GetFileName(program));
        if (!File.Exists(link))
        {
            File.CreateSymbolicLink(link, program);
        }

        return link;
    }
}
