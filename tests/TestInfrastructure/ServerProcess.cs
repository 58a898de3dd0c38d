using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace P1Telemetry.TestInfrastructure;

/// <summary>
/// The real <c>p1-server</c> executable in its own process on a random loopback port, configured by environment
/// variables (the server's own variables are not inherited from the caller). It runs the <c>p1-server.dll</c>
/// that a project reference to src/Server copies next to the caller. Plain HTTP, or HTTPS served by Kestrel
/// itself with the server certificate of <see cref="TestCertificates"/>, whose CA clients then trust explicitly.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private static readonly string[] ServerVariables =
    [
        "DATABASE_URL", "DATA_DIR", "REDIS_URL", "DEVICE_TOKENS", "CACHE_TTL_S", "MAX_BATCH_SAMPLES", "MAX_BODY_BYTES",
        "LOG_LEVEL", "ASPNETCORE_URLS", "ASPNETCORE_ENVIRONMENT",
    ];

    private readonly Process _process;
    private readonly TestCertificates? _https;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private ServerProcess(Process process, int port, TestCertificates? https)
    {
        _process = process;
        _https = https;
        Port = port;
        BaseAddress = new Uri($"{(https is null ? "http" : "https")}://127.0.0.1:{port}");
    }

    public int Port { get; }

    public Uri BaseAddress { get; }

    public string StandardOutput
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public int ProcessId => _process.Id;

    public int ExitCode => _process.ExitCode;

    /// <summary>User + kernel CPU time the server has used so far (read afresh from the OS; only while it runs).</summary>
    public TimeSpan TotalProcessorTime => _process.TotalProcessorTime;

    /// <summary>Starts the server over plain HTTP without waiting for it (see <see cref="WaitUntilReadyAsync"/>).</summary>
    public static ServerProcess Start(IDictionary<string, string?> environment, params string[] arguments) => Launch(environment, null, arguments);

    /// <summary>Starts the server, over HTTPS when <paramref name="https"/> is given, and waits until it answers.</summary>
    public static async Task<ServerProcess> StartAsync(IDictionary<string, string?> environment, TestCertificates? https = null)
    {
        var server = Launch(environment, https, []);
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
    public static async Task MigrateAsync(IDictionary<string, string?> environment)
    {
        await using var server = Start(environment, "migrate");
        var exitCode = await server.WaitForExitAsync(TimeSpan.FromMinutes(2));
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"p1-server migrate exited with {exitCode}: {server.StandardError} {server.StandardOutput}");
        }
    }

    public async Task WaitUntilReadyAsync()
    {
        using var client = new HttpClient(_https is null ? new SocketsHttpHandler() : TestCertificates.CreateHandlerTrusting(_https.CaCertificate))
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(2),
        };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"p1-server exited with {_process.ExitCode}: {StandardError} {StandardOutput}");
            }

            try
            {
                using var response = await client.GetAsync("/health/live");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("p1-server did not become ready.");
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancellation.Token);
        // Drains the redirected output.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Sends SIGTERM, as a container runtime or systemd does on stop.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>SIGTERM and the clean exit (in-flight requests finish, the database is closed); returns the exit code.</summary>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            Terminate();
        }

        return await WaitForExitAsync(timeout);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static ServerProcess Launch(IDictionary<string, string?> environment, TestCertificates? https, string[] arguments)
    {
        var assembly = Path.Combine(AppContext.BaseDirectory, "p1-server.dll");
        if (!File.Exists(assembly))
        {
            throw new FileNotFoundException("p1-server.dll is not next to the caller: reference src/Server from its project.", assembly);
        }

        var port = FreePort.Next();
        var startInfo = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        startInfo.ArgumentList.Add(assembly);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var name in ServerVariables)
        {
            startInfo.Environment.Remove(name);
        }

        startInfo.Environment["ASPNETCORE_URLS"] = $"{(https is null ? "http" : "https")}://127.0.0.1:{port}";
        if (https is not null)
        {
            startInfo.Environment["ASPNETCORE_Kestrel__Certificates__Default__Path"] = https.ServerCertificatePath;
            startInfo.Environment["ASPNETCORE_Kestrel__Certificates__Default__KeyPath"] = https.ServerKeyPath;
        }

        foreach (var (key, value) in environment)
        {
            startInfo.Environment[key] = value;
        }

        var process = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start p1-server.");
        var server = new ServerProcess(process, port, https);
        process.OutputDataReceived += (_, e) =>
        {
            lock (server._stdout)
            {
                server._stdout.AppendLine(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (server._stderr)
            {
                server._stderr.AppendLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }
}
