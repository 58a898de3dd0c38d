namespace P1Telemetry.TestInfrastructure;

/// <summary>
/// The real <c>p1-server</c> executable in its own process on a random loopback port, configured by environment
/// variables (the server's own variables are not inherited from the caller). It runs the <c>p1-server.dll</c>
/// of this build (<see cref="BuiltPrograms.Server"/>). Plain HTTP, or HTTPS served by Kestrel
/// itself with the server certificate of <see cref="TestCertificates"/>, whose CA clients then trust explicitly.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private static readonly string[] ServerVariables =
    [
        "DATABASE_URL", "DATA_DIR", "REDIS_URL", "DEVICE_TOKENS", "CACHE_TTL_S", "MAX_BATCH_SAMPLES", "MAX_BODY_BYTES",
        "LOG_LEVEL", "ASPNETCORE_URLS", "ASPNETCORE_ENVIRONMENT",
    ];

    private readonly ChildProcess _process;
    private readonly TestCertificates? _https;

    private ServerProcess(ChildProcess process, int port, TestCertificates? https)
    {
        _process = process;
        _https = https;
        Port = port;
        BaseAddress = new Uri($"{(https is null ? "http" : "https")}://127.0.0.1:{port}");
    }

    public int Port { get; }

    public Uri BaseAddress { get; }

    public string StandardOutput => _process.StandardOutput;

    public string StandardError => _process.StandardError;

    public bool HasExited => !_process.IsRunning;

    public int ProcessId => _process.ProcessId;

    public int ExitCode => _process.ExitCode ?? throw new InvalidOperationException("p1-server is still running.");

    /// <summary>User + kernel CPU time the server has used so far (read afresh from the OS; only while it runs).</summary>
    public TimeSpan TotalProcessorTime => _process.TotalProcessorTime;

    /// <summary>Starts the server over plain HTTP without waiting for it (see <see cref="WaitUntilReadyAsync"/>).</summary>
    public static ServerProcess Start(IDictionary<string, string?> environment, params string[] arguments) => Launch(environment, null, arguments, redirectInput: false);

    /// <summary>Starts the server, over HTTPS when <paramref name="https"/> is given, and waits until it answers.</summary>
    public static async Task<ServerProcess> StartAsync(IDictionary<string, string?> environment, TestCertificates? https = null)
    {
        var server = Launch(environment, https, [], redirectInput: false);
        try
        {
            await server.WaitUntilReadyAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary><c>p1-server migrate</c>; throws with the server's output when it fails.</summary>
    public static Task MigrateAsync(IDictionary<string, string?> environment) => RunAsync(environment, null, "migrate");

    /// <summary>
    /// A one-shot <c>p1-server</c> command with <paramref name="input"/> on its standard input; returns its standard
    /// output, throws with all its output when it fails.
    /// </summary>
    public static async Task<string> RunAsync(IDictionary<string, string?> environment, string? input, params string[] arguments)
    {
        await using var command = Launch(environment, null, arguments, redirectInput: true);
        await command._process.StandardInput.WriteAsync(input ?? string.Empty);
        command._process.StandardInput.Close();
        var exitCode = await command.WaitForExitAsync(TimeSpan.FromMinutes(2));
        return exitCode == 0
            ? command.StandardOutput
            : throw new InvalidOperationException($"p1-server {string.Join(' ', arguments)} exited with {exitCode}:\n{command._process.Output}");
    }

    public async Task WaitUntilReadyAsync()
    {
        using var client = new HttpClient(_https is null ? new SocketsHttpHandler() : TestCertificates.CreateHandlerTrusting(_https.CaCertificate))
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(2),
        };
        await _process.WaitUntilReadyAsync(
            async token =>
            {
                using var response = await client.GetAsync("/health/live", token);
                return response.IsSuccessStatusCode;
            },
            "answering /health/live",
            TimeSpan.FromSeconds(60));
    }

    public Task<int> WaitForExitAsync(TimeSpan timeout) => _process.WaitForExitAsync(timeout);

    /// <summary>Sends SIGTERM, as a container runtime or systemd does on stop.</summary>
    public Task TerminateAsync() => _process.TerminateAsync();

    /// <summary>SIGTERM and the clean exit (in-flight requests finish, the database is closed); returns the exit code.</summary>
    public Task<int> StopAsync(TimeSpan timeout) => _process.StopAsync(timeout);

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private static ServerProcess Launch(IDictionary<string, string?> environment, TestCertificates? https, string[] arguments, bool redirectInput)
    {
        var port = FreePort.Next();
        var variables = ServerVariables.ToDictionary(name => name, string? (_) => null);
        variables["ASPNETCORE_URLS"] = $"{(https is null ? "http" : "https")}://127.0.0.1:{port}";
        if (https is not null)
        {
            variables["ASPNETCORE_Kestrel__Certificates__Default__Path"] = https.ServerCertificatePath;
            variables["ASPNETCORE_Kestrel__Certificates__Default__KeyPath"] = https.ServerKeyPath;
        }

        foreach (var (key, value) in environment)
        {
            variables[key] = value;
        }

        var command = BuiltPrograms.CommandLine(BuiltPrograms.Server());
        var process = new ChildProcess(command[0], [.. command[1..], .. arguments], new ChildProcessOptions
        {
            WorkingDirectory = AppContext.BaseDirectory,
            Environment = variables,
            RedirectStandardInput = redirectInput,
        });
        return new ServerProcess(process.Start(), port, https);
    }
}
