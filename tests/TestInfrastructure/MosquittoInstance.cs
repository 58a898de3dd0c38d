using System.Diagnostics;
using System.Net.Sockets;

namespace P1Telemetry.TestInfrastructure;

/// <summary>
/// A private Debian <c>mosquitto</c> broker on a random loopback port with its own configuration (anonymous
/// access, in-memory retained messages) under the test run directory. <see cref="StopAsync"/> and
/// <see cref="StartAsync()"/> simulate an outage.
/// </summary>
public sealed class MosquittoInstance : IAsyncDisposable
{
    private const string Binary = "/usr/sbin/mosquitto";
    private readonly string _directory;
    private Process? _process;

    private MosquittoInstance(string directory, int port)
    {
        _directory = directory;
        Port = port;
    }

    public int Port { get; private set; }

    public string Url => $"mqtt://127.0.0.1:{Port}";

    public static async Task<MosquittoInstance> StartAsync(CancellationToken cancellationToken = default)
    {
        var instance = new MosquittoInstance(TestRunDirectory.CreateSubdirectory("mosquitto"), FreePort.Next());
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

    public Task StartAsync() => _process is { HasExited: false } ? Task.CompletedTask : StartServerAsync(CancellationToken.None);

    private async Task StartServerAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException("mosquitto is not installed; run scripts/setup.sh.");
        }

        for (var attempt = 1; ; attempt++)
        {
            var config = Path.Combine(_directory, "mosquitto.conf");
            await File.WriteAllTextAsync(config, $"""
                listener {Port} 127.0.0.1
                allow_anonymous true
                persistence false
                log_dest stderr
                log_type error
                log_type warning
                """, cancellationToken);
            var startInfo = new ProcessStartInfo(Binary)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = _directory,
            };
            // The config path (under the run directory) stays in the command line, where cleanup looks for it.
            startInfo.ArgumentList.Add("-c");
            startInfo.ArgumentList.Add(config);
            var process = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start mosquitto.");
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            _process = process;
            if (await WaitUntilListeningAsync(process, cancellationToken))
            {
                return;
            }

            await StopAsync();
            if (attempt >= 3)
            {
                throw new InvalidOperationException($"mosquitto did not start listening on port {Port}.");
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
                return true;
            }
            catch (SocketException)
            {
            }

            await Task.Delay(50, cancellationToken);
        }

        return false;
    }

    /// <summary>Stops the broker; clients see connection failures until <see cref="StartAsync()"/>.</summary>
    public async Task StopAsync()
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
        await StopAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
