using System.Net.Sockets;

namespace P1Telemetry.TestInfrastructure;

/// <summary>
/// A private Debian <c>mosquitto</c> broker on a random loopback port with its own configuration (anonymous
/// access, in-memory retained messages) under the test run directory. <see cref="RestartableServer.StopAsync"/>
/// and <see cref="RestartableServer.StartAgainAsync"/> simulate an outage.
/// </summary>
public sealed class MosquittoInstance : RestartableServer
{
    private const string Binary = "/usr/sbin/mosquitto";

    private MosquittoInstance(string directory)
        : base(directory)
    {
    }

    public string Url => $"mqtt://127.0.0.1:{Port}";

    public static Task<MosquittoInstance> StartAsync(CancellationToken cancellationToken = default) =>
        StartNewAsync(new MosquittoInstance(TestRunDirectory.CreateSubdirectory("mosquitto")), cancellationToken);

    protected override Task StartServerAsync(CancellationToken cancellationToken) => File.Exists(Binary)
        ? base.StartServerAsync(cancellationToken)
        : throw new InvalidOperationException("mosquitto is not installed; run scripts/setup.sh.");

    protected override async Task<ChildProcess> LaunchAsync(int port)
    {
        var config = Path.Combine(Directory, "mosquitto.conf");
        await File.WriteAllTextAsync(config, $"""
            listener {port} 127.0.0.1
            allow_anonymous true
            persistence false
            log_dest stderr
            log_type error
            log_type warning
            """);
        // The config path (under the run directory) stays in the command line, where cleanup looks for it.
        return new ChildProcess(Binary, ["-c", config], new ChildProcessOptions { WorkingDirectory = Directory });
    }

    protected override async Task<bool> IsReadyAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port, cancellationToken);
        return true;
    }
}
