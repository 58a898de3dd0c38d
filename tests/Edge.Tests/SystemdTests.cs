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

        var start = new ProcessStartInfo(fakeSystemd)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Not an exec: the shell stays the daemon's parent, as systemd is a service's.
        foreach (var argument in (string[])["-c", "\"$0\" \"$@\"; exit $?", .. BuiltPrograms.CommandLine(BuiltPrograms.Edge())])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["NOTIFY_SOCKET"] = socketPath;
        start.Environment["HW_P1_HOST"] = "127.0.0.1:9";
        start.Environment["HW_API_VERSION"] = "1";
        start.Environment["DEVICE_ID"] = "meter-1";
        start.Environment["VPS_INGEST_URL"] = "https://127.0.0.1:9/v1/ingest";
        start.Environment["VPS_TOKEN"] = "a-token";
        start.Environment["SPOOL_PATH"] = _directory.File("spool.db");
        start.Environment["SHUTDOWN_FLUSH_S"] = "1";
        using var parent = Process.Start(start)!;
        var output = new StringBuilder();
        parent.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        parent.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        parent.BeginOutputReadLine();
        parent.BeginErrorReadLine();
        try
        {
            Assert.Equal("READY=1", await ReceiveAsync(notifications));
            await Eventually.TrueAsync(() => Logged(output).Contains("<6>P1Telemetry.Edge[41] Edge started", StringComparison.Ordinal), "the start in journald's format");

            var daemon = File.ReadAllText($"/proc/{parent.Id}/task/{parent.Id}/children").Trim();
            using (var kill = Process.Start("kill", ["-TERM", daemon]))
            {
                await kill.WaitForExitAsync();
            }

            Assert.Equal("STOPPING=1", await ReceiveAsync(notifications));
            await parent.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, parent.ExitCode);
        }
        finally
        {
            if (!parent.HasExited)
            {
                parent.Kill(entireProcessTree: true);
            }
        }

        Assert.DoesNotContain("{\"Timestamp\"", Logged(output), StringComparison.Ordinal);
    }

    private static async Task<string> ReceiveAsync(Socket socket)
    {
        var buffer = new byte[256];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var length = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return Encoding.UTF8.GetString(buffer, 0, length).Trim();
    }

    private static string Logged(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
