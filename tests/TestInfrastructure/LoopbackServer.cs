namespace P1Telemetry.TestInfrastructure;

/// <summary>Starts a private server process on a loopback port that was free a moment ago.</summary>
public static class LoopbackServer
{
    private const int Attempts = 3;

    /// <summary>
    /// Starts what <paramref name="launch"/> builds for <paramref name="port"/> and waits until it is
    /// <paramref name="ready"/>; a server that exits or stays silent (another process took the port first) is
    /// tried again on another free port. Returns the running process and the port it listens on.
    /// </summary>
    public static async Task<(ChildProcess Process, int Port)> StartAsync(
        int port,
        Func<int, Task<ChildProcess>> launch,
        Func<int, CancellationToken, Task<bool>> ready,
        CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var process = (await launch(port)).Start();
            if (await process.TryWaitUntilAsync(token => ready(port, token), TimeSpan.FromSeconds(15), cancellationToken))
            {
                return (process, port);
            }

            var output = process.Output;
            await process.DisposeAsync();
            if (attempt >= Attempts)
            {
                throw new InvalidOperationException($"{process.Name} did not start listening on port {port}:\n{output}");
            }

            port = FreePort.Next();
        }
    }
}
