using System.Net.Sockets;

namespace P1Telemetry.TestInfrastructure;

/// <summary>
/// A private <c>redis-server</c> on a random loopback port without persistence, its working directory under
/// the test run directory. <see cref="RestartableServer.StopAsync"/> and <see cref="RestartableServer.StartAgainAsync"/>
/// simulate an outage.
/// </summary>
public sealed class RedisInstance : RestartableServer
{
    private RedisInstance(string directory)
        : base(directory)
    {
    }

    public string Url => $"redis://127.0.0.1:{Port}";

    public static Task<RedisInstance> StartAsync(CancellationToken cancellationToken = default) =>
        StartNewAsync(new RedisInstance(TestRunDirectory.CreateSubdirectory("redis")), cancellationToken);

    // --set-proc-title no keeps the data directory in the command line, where cleanup looks for it.
    protected override Task<ChildProcess> LaunchAsync(int port) => Task.FromResult(new ChildProcess("redis-server",
        [
            "--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--dir", Directory, "--daemonize", "no", "--protected-mode", "no", "--set-proc-title", "no",
        ],
        new ChildProcessOptions { WorkingDirectory = Directory }));

    protected override async Task<bool> IsReadyAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port, cancellationToken);
        await using var stream = client.GetStream();
        await stream.WriteAsync("PING\r\n"u8.ToArray(), cancellationToken);
        var buffer = new byte[16];
        var read = await stream.ReadAsync(buffer, cancellationToken);
        return read > 0 && buffer[0] == (byte)'+';
    }
}
