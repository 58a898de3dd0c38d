using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using P1Telemetry.Edge.Tests.Infrastructure;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.Edge.Tests;

/// <summary>
/// The daemon as a systemd <c>Type=notify</c> service: a parent process named <c>systemd</c> (a link to the shell)
/// and a notification socket stand in for the service manager.
/// </summary>
public sealed class SystemdTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Under_systemd_the_daemon_notifies_ready_and_stopping_and_logs_in_journald_format()
    {
        var socketPath = _directory.File("notify.sock");
        using var notifications = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notifications.Bind(new UnixDomainSocketEndPoint(socketPath));
        var fakeSystemd = _directory.File("systemd");
        File.CreateSymbolicLink(fakeSystemd, "/bin/sh");

        // Not an exec: the shell stays the daemon's parent, as systemd is a service's.
        await using var parent = new ChildProcess(fakeSystemd, ["-c", "\"$0\" \"$@\"; exit $?", .. BuiltPrograms.CommandLine(BuiltPrograms.Edge())], new ChildProcessOptions
        {
            Environment = new Dictionary<string, string?>
            {
                ["NOTIFY_SOCKET"] = socketPath,
                ["HW_P1_HOST"] = "127.0.0.1:9",
                ["HW_API_VERSION"] = "1",
                ["DEVICE_ID"] = "meter-1",
                ["VPS_INGEST_URL"] = "https://127.0.0.1:9/v1/ingest",
                ["VPS_TOKEN"] = "a-token",
                ["SPOOL_PATH"] = _directory.File("spool.db"),
                ["SHUTDOWN_FLUSH_S"] = "1",
            },
        }).Start();
        Assert.Equal("READY=1", await ReceiveAsync(notifications));
        await Eventually.TrueAsync(() => parent.Output.Contains("<6>P1Telemetry.Edge[41] Edge started", StringComparison.Ordinal), "the start in journald's format");

        var daemon = File.ReadAllText($"/proc/{parent.ProcessId}/task/{parent.ProcessId}/children").Trim();
        using (var kill = Process.Start("kill", ["-TERM", daemon]))
        {
            await kill.WaitForExitAsync();
        }

        Assert.Equal("STOPPING=1", await ReceiveAsync(notifications));
        Assert.Equal(0, await parent.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.DoesNotContain("{\"Timestamp\"", parent.Output, StringComparison.Ordinal);
    }

    private static async Task<string> ReceiveAsync(Socket socket)
    {
        var buffer = new byte[256];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var length = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return Encoding.UTF8.GetString(buffer, 0, length).Trim();
    }
}
