namespace P1Telemetry.TestInfrastructure;

/// <summary>
/// A private server process on a loopback port with a working directory under the test run directory, which a
/// test can stop and start again to simulate an outage; it keeps its port across restarts when it can.
/// </summary>
public abstract class RestartableServer : IAsyncDisposable
{
    private ChildProcess? _process;

    protected RestartableServer(string directory)
    {
        Directory = directory;
        Port = FreePort.Next();
    }

    public int Port { get; private set; }

    public bool IsRunning => _process is { IsRunning: true };

    /// <summary>The server's own directory; it names it on its command line, where cleanup looks for it.</summary>
    protected string Directory { get; }

    /// <summary>Starts the server again after <see cref="StopAsync"/>, on the same port when it is still free.</summary>
    public Task StartAgainAsync() => IsRunning ? Task.CompletedTask : StartServerAsync(CancellationToken.None);

    /// <summary>Kills the server; clients see connection failures until <see cref="StartAgainAsync"/>.</summary>
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
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Starts <paramref name="server"/>, or disposes it and rethrows when it does not come up.</summary>
    protected static async Task<T> StartNewAsync<T>(T server, CancellationToken cancellationToken)
        where T : RestartableServer
    {
        ArgumentNullException.ThrowIfNull(server);
        try
        {
            await server.StartServerAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>The process that serves on <paramref name="port"/>, not started yet.</summary>
    protected abstract Task<ChildProcess> LaunchAsync(int port);

    /// <summary>True once the server answers on <paramref name="port"/>.</summary>
    protected abstract Task<bool> IsReadyAsync(int port, CancellationToken cancellationToken);

    protected virtual async Task StartServerAsync(CancellationToken cancellationToken) =>
        (_process, Port) = await LoopbackServer.StartAsync(Port, LaunchAsync, IsReadyAsync, cancellationToken);
}
