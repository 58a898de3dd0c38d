using System.Text;
using Microsoft.Extensions.Logging;
using P1Telemetry.Edge.Configuration;
using P1Telemetry.Edge.Health;
using P1Telemetry.Edge.Meter;
using P1Telemetry.Edge.Normalization;
using P1Telemetry.Edge.P1;
using P1Telemetry.Edge.Spooling;

namespace P1Telemetry.Edge.Polling;

public enum ReadingOutcome
{
    Spooled,
    Duplicate,
    Quarantined,

    /// <summary>The spool refused the write (disk full, file locked): counted and reported by health.</summary>
    SpoolFailed,
}

/// <summary>
/// What happens to each reading, from the HomeWizard API or a P1 port telegram: normalize, admit (dedupe,
/// glitch check against the previous reading, the last one spooled before a restart included), spool or
/// quarantine.
/// </summary>
public sealed class ReadingPipeline(SampleSpool spool, HealthMonitor health, EdgeOptions options, ILogger<ReadingPipeline> logger,
    MeterDataWatch? watch = null, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly TimeZoneInfo _zone = options.ResolveTimeZone();
    private ReadingGate? _gate;

    public Task<ReadingOutcome> ProcessAsync(RawReading reading, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reading);
        RecordReading(reading.Version == MeterApiVersion.V2 ? "v2" : "v1");
        return KeepAsync(async () =>
        {
            Contracts.Wire.Sample sample;
            try
            {
                sample = SampleNormalizer.Normalize(reading, _zone);
            }
            catch (InvalidReadingException ex)
            {
                await QuarantineAsync(ex.Message, Encoding.UTF8.GetString(reading.Json.Span), cancellationToken);
                return ReadingOutcome.Quarantined;
            }

            return await AdmitAsync(sample, cancellationToken);
        });
    }

    /// <summary>A sample read from a P1 port telegram (<paramref name="source"/>: serial, tcp), through the same checks.</summary>
    public Task<ReadingOutcome> ProcessSampleAsync(Contracts.Wire.Sample sample, string source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sample);
        RecordReading(source);
        return KeepAsync(async () =>
        {
            if (SampleLimits.Problem(sample) is { } problem)
            {
                await QuarantineAsync(problem, SampleSpool.Serialize(sample), cancellationToken);
                return ReadingOutcome.Quarantined;
            }

            return await AdmitAsync(sample, cancellationToken);
        });
    }

    /// <summary>A telegram whose registers do not make a sample: kept in quarantine with its text.</summary>
    public Task QuarantineTelegramAsync(string reason, string telegram, CancellationToken cancellationToken) =>
        KeepAsync(async () =>
        {
            await QuarantineAsync(reason, telegram, cancellationToken);
            return ReadingOutcome.Quarantined;
        });

    private void RecordReading(string source)
    {
        var outage = health.RecordReading(source);
        if (outage is { } down)
        {
            logger.MeterRecovered(down.TotalSeconds);
        }
    }

    /// <summary>Runs one spool write; a write the spool refuses is made loud, in the log and in health.</summary>
    private async Task<ReadingOutcome> KeepAsync(Func<Task<ReadingOutcome>> write)
    {
        try
        {
            return await write();
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException)
        {
            var reason = ex.GetType().Name + ": " + ex.Message;
            health.RecordSpoolWriteFailure(reason);
            logger.SpoolFailed(reason);
            return ReadingOutcome.SpoolFailed;
        }
    }

    private async Task<ReadingOutcome> AdmitAsync(Contracts.Wire.Sample sample, CancellationToken cancellationToken)
    {
        _gate ??= new ReadingGate(options.MaxPowerW, await spool.LastSpooledAsync(cancellationToken));
        watch?.Observe(sample.Ts, sample.AveragePower15mW is not null || sample.MonthlyPowerPeakW is not null, _time.GetUtcNow());
        var decision = _gate.Admit(sample);
        switch (decision.Verdict)
        {
            case GateVerdict.Duplicate:
                logger.DuplicateReading(sample.Ts);
                return ReadingOutcome.Duplicate;
            case GateVerdict.Quarantine:
                await QuarantineAsync(decision.Reason!, SampleSpool.Serialize(sample), cancellationToken);
                return ReadingOutcome.Quarantined;
            default:
                await spool.EnqueueAsync(sample, cancellationToken);
                return ReadingOutcome.Spooled;
        }
    }

    private async Task QuarantineAsync(string reason, string payload, CancellationToken cancellationToken)
    {
        logger.ReadingQuarantined(reason);
        await spool.QuarantineAsync(reason, payload, cancellationToken);
    }
}
