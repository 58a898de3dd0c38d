using System.Diagnostics;
using System.Net.Sockets;

namespace P1Telemetry.TestInfrastructure;

/// <summary>
/// A private <c>redis-server</c> on a random loopback port without persistence, its working directory under
/// the test run directory. <see cref="StopAsync"/> and <see cref="StartAsync()"/> simulate an outage.
/// </summary>
public sealed class RedisInstance : IAsyncDisposable
{
    private readonly string _directory;
    private Process? _process;

    private RedisInstance(string directory, int port)
    {
        _directory = directory;
        Port = port;
    }

    public int Port { get; private set; }

    public string Url => $"redis://127.0.0.1:{Port}";

    public bool IsRunning => _process is { HasExited: false };

    public static async Task<RedisInstance> StartAsync(CancellationToken cancellationToken = default)
    {
        var instance = new RedisInstance(TestRunDirectory.CreateSubdirectory("redis"), FreePort.Next());
        try
        {
            await instance.StartServerAsync(cancellationToken);
            return instance;
        }
        catch
        {
            await instance.DisposeAsync();
            throw;
        }
    }

    public Task StartAsync() => IsRunning ? Task.CompletedTask : StartServerAsync(CancellationToken.None);

    private async Task StartServerAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var startInfo = new ProcessStartInfo("redis-server")
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = _directory,
            };
            // --set-proc-title no keeps the data directory in the command line, where cleanup looks for it.
            foreach (var argument in new[]
            {
                "--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", _directory, "--daemonize", "no", "--protected-mode", "no", "--set-proc-title", "no",
            })
            {
                startInfo.ArgumentList.Add(argument);
            }

            Process process;
            try
            {
                process = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start redis-server.");
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                throw new InvalidOperationException("redis-server is not installed; run scripts/setup.sh.", ex);
            }

            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            _process = process;
            if (await WaitUntilListeningAsync(process, cancellationToken))
            {
                return;
            }

            await KillAsync();
            if (attempt >= 3)
            {
                throw new InvalidOperationException($"redis-server did not start listening on port {Port}.");
            }

            Port = FreePort.Next();
        }
    }

    private async Task<bool> WaitUntilListeningAsync(Process process, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(15))
        {
            if (process.HasExited)
            {
                return false;
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port, cancellationToken);
                await using var stream = client.GetStream();
                await stream.WriteAsync("PING\r\n"u8.ToArray(), cancellationToken);
                var buffer = new byte[16];
                var read = await stream.ReadAsync(buffer, cancellationToken);
                if (read > 0 && buffer[0] == (byte)'+')
                {
                    return true;
                }
            }
            catch (SocketException)
            {
            }
            catch (IOException)
            {
            }

            await Task.Delay(50, cancellationToken);
        }

        return false;
    }

    /// <summary>Stops the server; clients see connection failures until <see cref="StartAsync()"/>.</summary>
    public Task StopAsync() => KillAsync();

    private async Task KillAsync()
    {
        var process = _process;
        _process = null;
        if (process is null)
        {
            return;
        }

        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
