using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using P1Telemetry.Edge.Configuration;
using P1Telemetry.Edge.Health;
using P1Telemetry.Edge.Meter;
using P1Telemetry.Edge.Uploading;

namespace P1Telemetry.Edge.Polling;

/// <summary>
/// The reader loop: v2 WebSocket push when possible, REST polling otherwise (and while the push connection is
/// down, between reconnect attempts with backoff). A failure is a missing reading, never the end of the loop.
/// </summary>
public sealed class MeterReaderService(MeterClient client, ReadingPipeline pipeline, HealthMonitor health, EdgeOptions options,
    TimeProvider time, ILogger<MeterReaderService> logger) : BackgroundService
{
    private readonly ExponentialBackoff _reconnect = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), Random.Shared);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var transport = options.ParsedTransport;
        var nextWebSocketAttempt = DateTimeOffset.MinValue;
        using var timer = new PeriodicTimer(options.PollInterval, time);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (transport != MeterTransport.Poll && client.Version == MeterApiVersion.V2 && time.GetUtcNow() >= nextWebSocketAttempt)
                {
                    var retry = await RunWebSocketAsync(stoppingToken);
                    nextWebSocketAttempt = time.GetUtcNow() + retry;
                    if (transport == MeterTransport.WebSocket)
                    {
                        await Task.Delay(retry, time, stoppingToken);
                        continue;
                    }
                }

                await PollOnceAsync(stoppingToken);
                await timer.WaitForNextTickAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // A bug in one reading must not stop the readings that follow; spool failures are logged where they happen.
                logger.ReaderLoopFailed(ex.GetType().Name + ": " + ex.Message);
                await Task.Delay(options.PollInterval, time, stoppingToken);
            }
        }
    }

    private async Task PollOnceAsync(CancellationToken cancellationToken)
    {
        var reading = await client.ReadAsync(cancellationToken);
        if (reading is null)
        {
            var reason = client.LastError ?? "no answer";
            health.RecordMeterFailure(reason);
            logger.MeterReadFailed(reason);
            return;
        }

        await pipeline.ProcessAsync(reading, cancellationToken);
    }

    /// <summary>Runs one push session; returns how long to wait before the next one.</summary>
    private async Task<TimeSpan> RunWebSocketAsync(CancellationToken cancellationToken)
    {
        // A healthy dongle pushes every 1 s (DSMR 5) or 10 s (DSMR 4): silence well beyond that is a dead link.
        var silenceLimit = TimeSpan.FromSeconds(Math.Max(30, options.HttpTimeoutSeconds));
        string reason;
        try
        {
            var received = await MeterWebSocket.RunAsync(client, silenceLimit, time, pipeline.ProcessAsync,
                () => logger.WebSocketConnected(client.Address.WebSocketUri()), cancellationToken);
            if (received > 0)
            {
                _reconnect.Reset();
            }

            reason = "closed by the meter";
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            reason = ex.Message;
            if (client.CertificateValidator.LastFailure is { } tls)
            {
                reason += " (" + tls + ")";
            }

            health.RecordMeterFailure("WebSocket: " + reason);
        }

        var delay = _reconnect.NextDelay() + TimeSpan.FromSeconds(1);
        logger.WebSocketEnded(reason, delay.TotalSeconds);
        return delay;
    }
}
