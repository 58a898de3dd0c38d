using System.Text;
using Microsoft.Extensions.Logging;
using P1Telemetry.Contracts.Dsmr;
using P1Telemetry.Edge.Configuration;
using P1Telemetry.Edge.Health;
using P1Telemetry.Edge.Polling;

namespace P1Telemetry.Edge.P1;

/// <summary>
/// One framed telegram of a P1 port: checked (a bad or missing DSMR 4+ CRC is counted and dropped, never
/// stored), its peak history kept for the server, its registers turned into a sample for the usual pipeline.
/// </summary>
public sealed class TelegramProcessor(ReadingPipeline pipeline, MeterPeakHistory history, HealthMonitor health, EdgeOptions options,
    ILogger<TelegramProcessor> logger)
{
    private readonly TimeZoneInfo _zone = options.ResolveTimeZone();

    public async Task<ReadingOutcome?> ProcessAsync(ReadOnlyMemory<byte> frame, string source, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var result = DsmrParser.Parse(frame.Span);
        if (!result.Succeeded)
        {
            var reason = $"{result.Status}: {result.Error}";
            health.RecordBadTelegram(reason);
            logger.TelegramRejected(source, reason, health.BadTelegrams);
            return null;
        }

        var telegram = result.Telegram!;
        if (telegram.PeakHistory is { } peaks)
        {
            history.Update(peaks, _zone, receivedAt);
        }

        var sample = DsmrSampleMapper.ToSample(telegram, "", _zone, receivedAt, out var missing);
        if (sample is null)
        {
            await pipeline.QuarantineTelegramAsync("the telegram lacks " + missing, Encoding.Latin1.GetString(frame.Span), cancellationToken);
            return ReadingOutcome.Quarantined;
        }

        return await pipeline.ProcessSampleAsync(sample, source, cancellationToken);
    }

    /// <summary>A raw telegram read for its history only (the HomeWizard source): nothing is spooled.</summary>
    public DsmrTelegram? ReadHistory(ReadOnlySpan<byte> frame, DateTimeOffset receivedAt)
    {
        var result = DsmrParser.Parse(frame);
        if (!result.Succeeded)
        {
            var reason = $"{result.Status}: {result.Error}";
            health.RecordBadTelegram(reason);
            logger.TelegramRejected("homewizard", reason, health.BadTelegrams);
            return null;
        }

        if (result.Telegram!.PeakHistory is { } peaks)
        {
            history.Update(peaks, _zone, receivedAt);
        }

        return result.Telegram;
    }
}
