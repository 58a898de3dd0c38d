using System.Net;
using System.Net.Sockets;
using System.Text;

namespace P1Telemetry.MeterSimulator.Device;

/// <summary>
/// <c>--telegram-tcp-port</c>: the raw telegrams as a ser2net-style TCP stream. Each client receives every
/// telegram sent after it connected, at the meter's telegram interval; what it sends is ignored.
/// </summary>
internal sealed partial class TelegramTcpServer(SimulatedDevice device, ILogger<TelegramTcpServer> logger) : BackgroundService
{
    private TcpListener? _listener;

    /// <summary>The port really bound (the configured one, or the free one picked for 0).</summary>
    public int Port { get; private set; }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var options = device.Options;
        var address = options.Bind == "localhost" ? IPAddress.Loopback : IPAddress.Parse(options.Bind);
        _listener = new TcpListener(address, options.TelegramTcpPort!.Value);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        device.TelegramTcpPort = Port;
        LogListening(logger, Port);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var client = await _listener!.AcceptTcpClientAsync(stoppingToken);
                _ = ServeAsync(client, stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            _listener!.Stop();
        }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken stoppingToken)
    {
        using (client)
        using (var session = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
        {
            var remote = client.Client.RemoteEndPoint?.ToString() ?? "?";
            LogClient(logger, remote, "connected");
            try
            {
                var stream = client.GetStream();
                await foreach (var telegram in device.RawFeed.Subscribe(session.Token).ReadAllAsync(session.Token))
                {
                    await stream.WriteAsync(Encoding.Latin1.GetBytes(telegram.Text), session.Token);
                }
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
            finally
            {
                await session.CancelAsync();
            }

            LogClient(logger, remote, "gone");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Raw telegrams served on TCP port {Port}")]
    private static partial void LogListening(ILogger logger, int port);

    [LoggerMessage(Level = LogLevel.Information, Message = "Telegram stream client {Remote} {What}")]
    private static partial void LogClient(ILogger logger, string remote, string what);
}
