using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace P1Telemetry.EndToEnd.Tests.Pipeline;

/// <summary>
/// One of the product's programs (<c>p1-server</c>, <c>p1-edge</c>) as a real child process, built by the same
/// build as the tests. Its output goes to a log file; it can be stopped with SIGTERM, killed with SIGKILL and
/// started again. The scratch directory appears in its command line (a harmless host probing path, or for a
/// native binary the link it is started through) so that <c>scripts/test.sh</c> can clean up leftovers by the
/// run directory.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly string _program;
    private readonly string[] _arguments;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly string _scratchDirectory;
    private readonly StringBuilder _output = new();
    private Process? _process;

    public ChildProcess(string program, string[] arguments, IReadOnlyDictionary<string, string> environment, string scratchDirectory, string logName)
    {
        _program = program;
        _arguments = arguments;
        _environment = environment;
        _scratchDirectory = scratchDirectory;
        LogPath = Path.Combine(scratchDirectory, logName + ".log");
    }

    public string LogPath { get; }

    public bool IsRunning => _process is { HasExited: false };

    public int? ExitCode => _process is { HasExited: true } process ? process.ExitCode : null;

    /// <summary>Everything the process wrote so far, across restarts.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public void Start()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"{_program} is already running.");
        }

        _process?.Dispose();
        var native = !_program.EndsWith(".dll", StringComparison.Ordinal);
        var startInfo = new ProcessStartInfo(native ? NativeLink() : "dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _scratchDirectory,
        };
        foreach (var argument in native ? _arguments : ["exec", "--additionalprobingpath", _scratchDirectory, _program, .. _arguments])
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in _environment)
        {
            startInfo.Environment[name] = value;
        }

        Append($"---- start {DateTimeOffset.UtcNow:O}");
        var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"{_program} did not start.");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
    }

    /// <summary>
    /// A symbolic link to the native binary inside the scratch directory: the process still finds the files next
    /// to the binary itself (it resolves its own path), and its command line names the scratch directory.
    /// </summary>
    private string NativeLink()
    {
        var link = Path.Combine(_scratchDirectory, Path.GetFileName(_program));
        if (!File.Exists(link))
        {
            File.CreateSymbolicLink(link, _program);
        }

        return link;
    }

    /// <summary>Runs the program to completion (e.g. a one-shot command) and returns its exit code.</summary>
    public async Task<int> RunToCompletionAsync(TimeSpan timeout)
    {
        Start();
        using var cancellation = new CancellationTokenSource(timeout);
        await _process!.WaitForExitAsync(cancellation.Token);
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>SIGTERM, then waits for a clean exit (SIGKILL after the timeout); returns the exit code.</summary>
    public async Task<int> StopAsync(TimeSpan? timeout = null)
    {
        var process = _process;
        if (process is null || process.HasExited)
        {
            return process?.ExitCode ?? 0;
        }

        using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!)
        {
            await kill.WaitForExitAsync();
        }

        using var cancellation = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            Append("---- did not stop after SIGTERM; killed");
        }

        process.WaitForExit();
        return process.ExitCode;
    }

    /// <summary>SIGKILL: no chance to flush or clean up, like a power cut.</summary>
    public async Task KillAsync()
    {
        var process = _process;
        if (process is null || process.HasExited)
        {
            return;
        }

        process.Kill();
        await process.WaitForExitAsync(CancellationToken.None);
        Append($"---- SIGKILL {DateTimeOffset.UtcNow:O}");
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        await File.WriteAllTextAsync(LogPath, Output);
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
