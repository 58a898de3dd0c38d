using System.Diagnostics;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.ServerBench;

/// <summary>Runs <c>p1-server</c> as a separate process on a loopback port.</summary>
internal sealed class ServerHost : IAsyncDisposable
{
    public const string Token = "bench-token-0123456789abcdef";
    public const string Device = "bench-meter";
    private readonly Process _process;

    private ServerHost(Process process, int port)
    {
        _process = process;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
    }

    public Uri BaseAddress { get; }

    public static async Task<ServerHost> StartAsync(IDictionary<string, string> environment)
    {
        var port = FreePort.Next();
        var process = Start(environment, port, []);
        var host = new ServerHost(process, port);
        await host.WaitUntilReadyAsync();
        return host;
    }

    public static async Task MigrateAsync(IDictionary<string, string> environment)
    {
        using var process = Start(environment, FreePort.Next(), ["migrate"]);
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"p1-server migrate exited with {process.ExitCode}: {await process.StandardError.ReadToEndAsync()}");
        }
    }

    private static Process Start(IDictionary<string, string> environment, int port, string[] arguments)
    {
        var startInfo = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        startInfo.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "p1-server.dll"));
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        startInfo.Environment["DEVICE_TOKENS"] = $"{Token}:{Device}";
        startInfo.Environment["LOG_LEVEL"] = "Warning";
        foreach (var (key, value) in environment)
        {
            startInfo.Environment[key] = value;
        }

        var process = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start p1-server.");
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        return process;
    }

    private async Task WaitUntilReadyAsync()
    {
        using var client = new HttpClient { BaseAddress = BaseAddress };
        for (var i = 0; i < 600; i++)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"p1-server exited: {await _process.StandardError.ReadToEndAsync()}");
            }

            try
            {
                if ((await client.GetAsync("/health/live")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("p1-server did not start.");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()]))
            {
                await kill.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }
}
