using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using P1Telemetry.Contracts.Dsmr;
using P1Telemetry.Edge.Configuration;
using P1Telemetry.Edge.Health;
using P1Telemetry.Edge.Uploading;

namespace P1Telemetry.Edge.P1;

/// <summary>
/// The reader loop of a P1 port: open the serial device or TCP connection, cut the stream into telegrams and
/// process each. A pulled cable, a closed connection or silence beyond the limit ends the session; the next
/// one starts after a backoff, so the daemon rides out unplugging and bridge restarts.
/// </summary>
public sealed class TelegramReaderService(ITelegramTransport transport, TelegramProcessor processor, HealthMonitor health,
    EdgeOptions options, TimeProvider time, ILogger<TelegramReaderService> logger) : BackgroundService
{
    private readonly ExponentialBackoff _reconnect = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), Random.Shared);

    /// <summary>DSMR 4 sends every 10 s, DSMR 2.2 every 10 s as well: 30 s without a byte is a dead link.</summary>
    private TimeSpan SilenceLimit => TimeSpan.FromSeconds(Math.Max(30, options.HttpTimeoutSeconds));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            string reason;
            try
            {
                var telegrams = await RunSessionAsync(stoppingToken);
                if (telegrams > 0)
                {
                    _reconnect.Reset();
                }

                reason = "the stream ended";
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Net.Sockets.SocketException
                                           or InvalidOperationException or ArgumentException or TimeoutException or OperationCanceledException)
            {
                reason = ex.GetType().Name + ": " + ex.Message;
            }

            health.RecordMeterFailure($"{transport.Describe()}: {reason}");
            var delay = _reconnect.NextDelay() + TimeSpan.FromSeconds(1);
            logger.P1PortDisconnected(transport.Describe(), reason, delay.TotalSeconds);
            try
            {
                await Task.Delay(delay, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Reads one connection until it fails or falls silent; returns how many telegrams it carried.</summary>
    private async Task<int> RunSessionAsync(CancellationToken stoppingToken)
    {
        await using var stream = await transport.OpenAsync(stoppingToken);
        logger.P1PortConnected(transport.Describe());
        var framer = new DsmrFramer();
        var buffer = new byte[4096];
        var telegrams = 0;
        while (true)
        {
            int read;
            using (var silence = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
            {
                silence.CancelAfter(SilenceLimit);
                try
                {
                    read = await stream.ReadAsync(buffer, silence.Token);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    throw new TimeoutException($"no data for {SilenceLimit.TotalSeconds:0} s");
                }
            }

            if (read == 0)
            {
                return telegrams;
            }

            var receivedAt = time.GetUtcNow();
            foreach (var frame in framer.Append(buffer.AsSpan(0, read)))
            {
                telegrams++;
                await processor.ProcessAsync(frame, transport.Kind, receivedAt, stoppingToken);
            }
        }
    }
}
