using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using P1Telemetry.Edge.Configuration;
using P1Telemetry.Edge.Spooling;

namespace P1Telemetry.Edge.Health;

/// <summary>Rewrites the health file every few seconds, and once more at shutdown.</summary>
public sealed class HealthFileWriter(HealthMonitor monitor, SampleSpool spool, EdgeOptions options, TimeProvider time,
    ILogger<HealthFileWriter> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private bool _warned;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            await WriteOnceAsync(stoppingToken);
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await WriteOnceAsync(cancellationToken);
    }

    public async Task WriteOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var report = monitor.Snapshot(await spool.CountAsync(cancellationToken), await spool.QuarantineCountAsync(cancellationToken),
                await spool.OldestSpooledTsAsync(cancellationToken), spool.DiskFreeBytes());
            if (report.Warnings.Count > 0 && !_warned)
            {
                logger.HealthWarning(string.Join("; ", report.Warnings));
            }

            _warned = report.Warnings.Count > 0;
            await HealthFile.WriteAsync(options.EffectiveHealthPath, report, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            logger.HealthWriteFailed(options.EffectiveHealthPath, ex.Message);
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
