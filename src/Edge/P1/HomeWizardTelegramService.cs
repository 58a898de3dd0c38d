using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using P1Telemetry.Edge.Meter;

namespace P1Telemetry.Edge.P1;

/// <summary>
/// With a HomeWizard dongle the JSON API stays the source of samples; its raw telegram is read at start and
/// once an hour for what the JSON leaves out: the meter's peak history and its summer/winter flag.
/// </summary>
public sealed class HomeWizardTelegramService(MeterClient client, TelegramProcessor processor, TimeProvider time,
    ILogger<HomeWizardTelegramService> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    /// <summary>Until the first success the telegram is asked for more often: the dongle may still be booting.</summary>
    private static readonly TimeSpan RetryInterval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var succeeded = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                succeeded = await ReadOnceAsync(stoppingToken) || succeeded;
                await Task.Delay(succeeded ? Interval : RetryInterval, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    public async Task<bool> ReadOnceAsync(CancellationToken cancellationToken)
    {
        var body = await client.ReadTelegramAsync(cancellationToken);
        if (body is null)
        {
            logger.RawTelegramFailed(client.LastError ?? "no answer");
            return false;
        }

        var telegram = processor.ReadHistory(body, time.GetUtcNow());
        if (telegram is null)
        {
            return false;
        }

        logger.RawTelegramRead(telegram.Timestamp?.Local.ToString("s", System.Globalization.CultureInfo.InvariantCulture) ?? "none",
            telegram.Timestamp?.Dst?.ToString() ?? "no flag", telegram.PeakHistory?.Count ?? 0);
        return true;
    }
}
