namespace P1Telemetry.TestInfrastructure;

/// <summary>The outcome of one external command.</summary>
public sealed record CommandResult(int ExitCode, string StandardOutput, string StandardError)
{
    public string Output => StandardOutput + StandardError;
}

/// <summary>Runs an external tool to completion; a missing tool is a test failure with an install hint.</summary>
public static class CommandRunner
{
    private static readonly TimeSpan _defaultTimeout = TimeSpan.FromMinutes(1);

    /// <summary>Runs the command and returns how it ended, whatever its exit code.</summary>
    public static async Task<CommandResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        await using var process = new ChildProcess(fileName, arguments, new ChildProcessOptions
        {
            WorkingDirectory = workingDirectory,
            Environment = environment ?? new Dictionary<string, string?>(),
        });
        var exitCode = await process.RunToCompletionAsync(timeout ?? _defaultTimeout, cancellationToken);
        return new CommandResult(exitCode, process.StandardOutput, process.StandardError);
    }

    /// <summary>Runs the command and returns its output; throws with the output when it exits other than 0.</summary>
    public static async Task<string> RunCheckedAsync(string fileName, IEnumerable<string> arguments, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var argumentList = arguments.ToList();
        var result = await RunAsync(fileName, argumentList, timeout: timeout, cancellationToken: cancellationToken);
        return result.ExitCode == 0
            ? result.Output
            : throw new InvalidOperationException($"{fileName} {string.Join(' ', argumentList)} exited with {result.ExitCode}: {result.Output}");
    }
}
