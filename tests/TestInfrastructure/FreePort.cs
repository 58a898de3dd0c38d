using System.Net;
using System.Net.Sockets;

namespace P1Telemetry.TestInfrastructure;

public static class FreePort
{
    /// <summary>A loopback TCP port that was free a moment ago (servers that lose the race are restarted on another).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
