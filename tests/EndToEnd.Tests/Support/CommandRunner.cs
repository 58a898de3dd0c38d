using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.EndToEnd.Tests.Support;

/// <summary>The outcome of one external command.</summary>
internal sealed record CommandResult(int ExitCode, string StandardOutput, string StandardError)
{
    public string Output => StandardOutput + StandardError;
}

/// <summary>Runs an external tool to completion; a missing tool is a test failure with an install hint.</summary>
internal static class CommandRunner
{
    public static async Task<CommandResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        TimeSpan? timeout = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepositoryRoot.Path,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
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

        Process process;
        try
        {
            process = Process.Start(startInfo) ?? throw new InvalidOperationException($"{fileName} did not start.");
        }
        catch (Win32Exception exception)
        {
            throw new InvalidOperationException(
                $"'{fileName}' is required by this test and was not found on PATH; scripts/setup.sh installs it.", exception);
        }

        using (process)
        {
            var stdout = new StringBuilder();
            var stderr = new StringBuilder();
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (stdout) { stdout.AppendLine(e.Data); } } };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (stderr) { stderr.AppendLine(e.Data); } } };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            using var cancellation = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(1));
            try
            {
                await process.WaitForExitAsync(cancellation.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{fileName} {string.Join(' ', startInfo.ArgumentList)} did not finish in time.");
            }

            // The asynchronous readers may still hold the tail of the output.
            process.WaitForExit();
            lock (stdout)
            {
                lock (stderr)
                {
                    return new CommandResult(process.ExitCode, stdout.ToString(), stderr.ToString());
                }
            }
        }
    }
}
