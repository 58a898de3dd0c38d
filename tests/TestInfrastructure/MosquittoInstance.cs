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
    private ChildProcess? _process;

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

    public Task StartAsync() => _process is { IsRunning: true } ? Task.CompletedTask : StartServerAsync(CancellationToken.None);

    private async Task StartServerAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException("mosquitto is not installed; run scripts/setup.sh.");
        }

        (_process, Port) = await LoopbackServer.StartAsync(Port, LaunchAsync, AcceptsConnectionsAsync, cancellationToken);
    }

    private async Task<ChildProcess> LaunchAsync(int port)
    {
        var config = Path.Combine(_directory, "mosquitto.conf");
        await File.WriteAllTextAsync(config, $"""
            listener {port} 127.0.0.1
            allow_anonymous true
            persistence false
            log_dest stderr
            log_type error
            log_type warning
            """);
        // The config path (under the run directory) stays in the command line, where cleanup looks for it.
        return new ChildProcess(Binary, ["-c", config], new ChildProcessOptions { WorkingDirectory = _directory });
    }

    private static async Task<bool> AcceptsConnectionsAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port, cancellationToken);
        return true;
    }

    /// <summary>Kills the broker; clients see connection failures until <see cref="StartAsync()"/>.</summary>
    public async Task StopAsync()
    {
        var process = _process;
        _process = null;
        if (process is not null)
        {
            await process.DisposeAsync();
        }
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
