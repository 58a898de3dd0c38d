using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using P1Telemetry.Edge.Configuration;
using P1Telemetry.Edge.Health;
using P1Telemetry.Edge.Spooling;

namespace P1Telemetry.Edge.Uploading;

/// <summary>
/// The upload loop: independent of the reader loop, so a slow or absent server never delays a reading. Every
/// <c>UPLOAD_INTERVAL_S</c>, at once while a backlog remains, and <c>LIVE_UPLOAD_DELAY_S</c> after a new reading
/// was spooled (a live dashboard shows it within a second); backs off with jitter on failure, when a new reading
/// never cuts the wait short; at shutdown flushes for at most <c>SHUTDOWN_FLUSH_S</c>.
/// </summary>
public sealed class UploaderService(BatchUploader uploader, SampleSpool spool, HealthMonitor health, EdgeOptions options,
    TimeProvider time, ExponentialBackoff backoff, ILogger<UploaderService> logger) : BackgroundService
{
    /// <summary>How long to wait after a step, and whether the backoff counts on.</summary>
    public TimeSpan NextDelay(UploadStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        switch (step.Kind)
        {
            case UploadStepKind.Uploaded:
                backoff.Reset();
                return step.MoreWaiting ? TimeSpan.Zero : options.UploadInterval;
            case UploadStepKind.Resized:
                return TimeSpan.Zero;
            case UploadStepKind.Idle:
                return options.UploadInterval;
            case UploadStepKind.Unauthorized:
                // A wrong token will not fix itself within seconds: retry at the slowest pace.
                var slow = options.BackoffMax;
                logger.UploadUnauthorized(step.Reason ?? "HTTP 401", slow.TotalSeconds);
                return slow;
            case UploadStepKind.ClockSkew:
                var skewDelay = backoff.NextDelay();
                logger.UploadClockSkew(step.Reason ?? "clock skew", skewDelay.TotalSeconds);
                return skewDelay;
            case UploadStepKind.Misdirected:
                var misdirectedDelay = backoff.NextDelay();
                logger.UploadMisdirected(step.Reason ?? "wrong URL", misdirectedDelay.TotalSeconds);
                return misdirectedDelay;
            default:
                var delay = backoff.NextDelay();
                logger.UploadFailed(step.Reason ?? "unknown", delay.TotalSeconds);
                return delay;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await uploader.ResolveDeviceIdAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan delay;
            UploadStep? step = null;
            // Taken before the round: a reading spooled while it runs wakes the next one at once.
            var spooled = spool.NextReadingSpooledAsync();
            try
            {
                step = await uploader.UploadNextAsync(stoppingToken);
                delay = NextDelay(step);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Never let one bad step end the loop: log it and back off like any failure.
                health.RecordUploadFailure(ex.Message);
                delay = NextDelay(new UploadStep(UploadStepKind.Retry, Reason: ex.GetType().Name + ": " + ex.Message));
            }

            try
            {
                if (step?.Kind is UploadStepKind.Uploaded or UploadStepKind.Idle && delay > options.LiveUploadDelay)
                {
                    await WaitForReadingAsync(delay, spooled, stoppingToken);
                }
                else
                {
                    await Task.Delay(delay, time, stoppingToken);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    // The interval, cut short LIVE_UPLOAD_DELAY_S after a new reading was spooled.
    private async Task WaitForReadingAsync(TimeSpan interval, Task spooled, CancellationToken stoppingToken)
    {
        using var woken = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var sleeping = Task.Delay(interval, time, woken.Token);
        if (await Task.WhenAny(sleeping, spooled) == sleeping)
        {
            await sleeping;
            return;
        }

        await woken.CancelAsync();
        if (options.LiveUploadDelay > TimeSpan.Zero)
        {
            await Task.Delay(options.LiveUploadDelay, time, stoppingToken);
        }

        stoppingToken.ThrowIfCancellationRequested();
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushAsync(cancellationToken);
    }

    /// <summary>Uploads what it can within <c>SHUTDOWN_FLUSH_S</c>; the rest stays spooled.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var waiting = await spool.CountAsync(CancellationToken.None);
        if (waiting == 0 || options.ShutdownFlush <= TimeSpan.Zero)
        {
            return;
        }

        logger.Flushing(waiting, options.ShutdownFlush.TotalSeconds);
        using var window = new CancellationTokenSource(options.ShutdownFlush, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(window.Token, cancellationToken);
        try
        {
            while (true)
            {
                var step = await uploader.UploadNextAsync(linked.Token);
                if (step.Kind is not (UploadStepKind.Uploaded or UploadStepKind.Resized) ||
                    (step.Kind == UploadStepKind.Uploaded && !step.MoreWaiting))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The window closed; what is left stays spooled.
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or Microsoft.Data.Sqlite.SqliteException)
        {
            health.RecordUploadFailure(ex.Message);
        }

        logger.Flushed(await spool.CountAsync(CancellationToken.None));
    }
}
