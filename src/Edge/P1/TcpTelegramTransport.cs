using System.Net.Sockets;
using P1Telemetry.Edge.Configuration;

namespace P1Telemetry.Edge.P1;

/// <summary>A raw telegram stream over TCP (ser2net, ESP P1 bridges), read-only.</summary>
public sealed class TcpTelegramTransport(EdgeOptions options) : ITelegramTransport
{
    public string Kind => "tcp";

    public string Describe() => options.SourceDescription;

    public async Task<Stream> OpenAsync(CancellationToken cancellationToken)
    {
        if (!P1PortSettings.TryParseEndpoint(options.TcpEndpoint, out var host, out var port))
        {
            throw new ArgumentException("P1_TCP must be host:port.");
        }

        var client = new TcpClient { NoDelay = true };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.HttpTimeout);
            await client.ConnectAsync(host, port, timeout.Token);
            // Without keepalive a bridge that lost power leaves a half-open connection; the silence limit catches it too.
            client.Client.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            return new NetworkStream(client.Client, ownsSocket: true);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }
}
