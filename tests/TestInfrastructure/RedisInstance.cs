using System.Net.Sockets;

namespace P1Telemetry.TestInfrastructure;

/// <summary>
/// A private <c>redis-server</c> on a random loopback port without persistence, its working directory under
/// the test run directory. <see cref="StopAsync"/> and <see cref="StartAsync()"/> simulate an outage.
/// </summary>
public sealed class RedisInstance : IAsyncDisposable
{
    private readonly string _directory;
    private ChildProcess? _process;

    private RedisInstance(string directory, int port)
    {
        _directory = directory;
        Port = port;
    }

    public int Port { get; private set; }

    public string Url => $"redis://127.0.0.1:{Port}";

    public bool IsRunning => _process is { IsRunning: true };

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

    // --set-proc-title no keeps the data directory in the command line, where cleanup looks for it.
    private async Task StartServerAsync(CancellationToken cancellationToken) =>
        (_process, Port) = await LoopbackServer.StartAsync(
            Port,
            port => Task.FromResult(new ChildProcess("redis-server",
                [
                    "--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                    "--dir", _directory, "--daemonize", "no", "--protected-mode", "no", "--set-proc-title", "no",
                ],
                new ChildProcessOptions { WorkingDirectory = _directory })),
            AnswersPingAsync,
            cancellationToken);

    private static async Task<bool> AnswersPingAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port, cancellationToken);
        await using var stream = client.GetStream();
        await stream.WriteAsync("PING\r\n"u8.ToArray(), cancellationToken);
        var buffer = new byte[16];
        var read = await stream.ReadAsync(buffer, cancellationToken);
        return read > 0 && buffer[0] == (byte)'+';
    }

    /// <summary>Kills the server; clients see connection failures until <see cref="StartAsync()"/>.</summary>
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
