using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;

namespace P1Telemetry.TestInfrastructure;

/// <summary>How a <see cref="ChildProcess"/> is started.</summary>
public sealed record ChildProcessOptions
{
    public string? WorkingDirectory { get; init; }

    /// <summary>Variables set for the child; a null value removes one it would otherwise inherit.</summary>
    public IEnumerable<KeyValuePair<string, string?>> Environment { get; init; } = [];

    /// <summary>Keeps standard input open for the test to write to (<see cref="ChildProcess.StandardInput"/>).</summary>
    public bool RedirectStandardInput { get; init; }

    /// <summary>Where <see cref="ChildProcess.DisposeAsync"/> writes everything the process printed.</summary>
    public string? LogPath { get; init; }
}

/// <summary>
/// A program a test runs as a real child process: its standard output and error are captured (also across
/// restarts), it can be waited on until a readiness probe holds, stopped with SIGTERM (SIGKILL when it does not
/// exit in time), killed, and started again. Failures carry what the process printed.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private static readonly TimeSpan _pollInterval = TimeSpan.FromMilliseconds(50);

    private readonly string _fileName;
    private readonly string[] _arguments;
    private readonly ChildProcessOptions _options;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly StringBuilder _output = new();
    private Process? _process;

    public ChildProcess(string fileName, IEnumerable<string> arguments, ChildProcessOptions? options = null)
    {
        _fileName = fileName;
        _arguments = [.. arguments];
        _options = options ?? new ChildProcessOptions();
        Name = Path.GetFileName(fileName);
    }

    /// <summary>The program's name, for messages.</summary>
    public string Name { get; }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The exit code of the last run once it has ended, else null.</summary>
    public int? ExitCode => _process is { HasExited: true } process ? process.ExitCode : null;

    public int ProcessId => _process?.Id ?? throw new InvalidOperationException($"{Name} was not started.");

    /// <summary>User + kernel CPU time the process has used so far (only while it runs).</summary>
    public TimeSpan TotalProcessorTime => (_process ?? throw new InvalidOperationException($"{Name} was not started.")).TotalProcessorTime;

    /// <summary>The process's standard input, when <see cref="ChildProcessOptions.RedirectStandardInput"/> is on.</summary>
    public StreamWriter StandardInput => (_process ?? throw new InvalidOperationException($"{Name} was not started.")).StandardInput;

    /// <summary>Everything the process wrote so far, both streams and every run, with a marker line per start.</summary>
    public string Output => Read(_output);

    public string StandardOutput => Read(_stdout);

    public string StandardError => Read(_stderr);

    /// <summary>Starts the program (again, after it ended); a missing program fails with a hint to install it.</summary>
    public ChildProcess Start()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"{Name} is already running.");
        }

        var startInfo = new ProcessStartInfo(_fileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = _options.RedirectStandardInput,
            WorkingDirectory = _options.WorkingDirectory ?? string.Empty,
        };
        foreach (var argument in _arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in _options.Environment)
        {
            if (value is null)
            {
                startInfo.Environment.Remove(name);
            }
            else
            {
                startInfo.Environment[name] = value;
            }
        }

        _process?.Dispose();
        _process = null;
        Mark($"start {DateTimeOffset.UtcNow:O}");
        Process process;
        try
        {
            process = Process.Start(startInfo) ?? throw new InvalidOperationException($"{Name} did not start.");
        }
        catch (Win32Exception exception)
        {
            throw new InvalidOperationException($"'{_fileName}' is required by this test and was not found; scripts/setup.sh installs it.", exception);
        }

        process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        return this;
    }

    /// <summary>
    /// Polls <paramref name="ready"/> until it holds (true) or the process exits or <paramref name="timeout"/>
    /// passes (false). A probe that fails to connect just means "not yet".
    /// </summary>
    public async Task<bool> TryWaitUntilAsync(Func<CancellationToken, Task<bool>> ready, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            while (IsRunning)
            {
                if (await ProbeAsync(ready, deadline.Token))
                {
                    return true;
                }

                await Task.Delay(_pollInterval, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }

        return false;
    }

    /// <summary>Like <see cref="TryWaitUntilAsync"/>, but fails with <paramref name="what"/> and the process's output.</summary>
    public async Task WaitUntilReadyAsync(Func<CancellationToken, Task<bool>> ready, string what, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (await TryWaitUntilAsync(ready, timeout, cancellationToken))
        {
            return;
        }

        var ended = ExitCode is { } code ? $"exited with {code} before {what}" : $"did not reach '{what}' within {timeout}";
        throw new TimeoutException($"{Name} {ended}:\n{Output}");
    }

    /// <summary>Waits until the process ends by itself; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var process = _process ?? throw new InvalidOperationException($"{Name} was not started.");
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cancellation.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{Name} did not exit within {timeout}:\n{Output}");
        }

        // The asynchronous readers may still hold the tail of the output.
        process.WaitForExit();
        return process.ExitCode;
    }

    /// <summary>Starts the program and waits until it ends (a one-shot command); returns its exit code.</summary>
    public Task<int> RunToCompletionAsync(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        Start().WaitForExitAsync(timeout, cancellationToken);

    /// <summary>Sends SIGTERM, as a container runtime or systemd does on stop, without waiting.</summary>
    public async Task TerminateAsync()
    {
        if (!IsRunning)
        {
            return;
        }

        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", ProcessId.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("kill did not start.");
        await kill.WaitForExitAsync();
    }

    /// <summary>SIGTERM, then waits for a clean exit (SIGKILL after the timeout, default 30 s); returns the exit code.</summary>
    public async Task<int> StopAsync(TimeSpan? timeout = null)
    {
        var process = _process;
        if (process is null)
        {
            return 0;
        }

        if (!process.HasExited)
        {
            await TerminateAsync();
            using var cancellation = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
            try
            {
                await process.WaitForExitAsync(cancellation.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
                Mark("did not stop after SIGTERM; killed");
            }
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

        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync(CancellationToken.None);
        Mark($"SIGKILL {DateTimeOffset.UtcNow:O}");
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        _process = null;
        if (_options.LogPath is { } logPath)
        {
            await File.WriteAllTextAsync(logPath, Output);
        }
    }

    private static async Task<bool> ProbeAsync(Func<CancellationToken, Task<bool>> ready, CancellationToken cancellationToken)
    {
        try
        {
            return await ready(cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested
            && ex is HttpRequestException or SocketException or IOException or AuthenticationException or OperationCanceledException)
        {
            return false;
        }
    }

    private static string Read(StringBuilder buffer)
    {
        lock (buffer)
        {
            return buffer.ToString();
        }
    }

    private void Mark(string what)
    {
        lock (_output)
        {
            _output.AppendLine("---- " + what);
        }
    }

    private void Append(StringBuilder stream, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (stream)
        {
            stream.AppendLine(line);
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
