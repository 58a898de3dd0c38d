using System.Text;
using Microsoft.Extensions.Logging;
using P1Telemetry.Edge.Configuration;
using P1Telemetry.Edge.Health;
using P1Telemetry.Edge.Meter;
using P1Telemetry.Edge.Normalization;
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
/// What happens to each raw reading: normalize, admit (dedupe, glitch check against the previous reading,
/// the last one spooled before a restart included), spool or quarantine.
/// </summary>
public sealed class ReadingPipeline(SampleSpool spool, HealthMonitor health, EdgeOptions options, ILogger<ReadingPipeline> logger)
{
    private readonly TimeZoneInfo _zone = options.ResolveTimeZone();
    private readonly string _deviceId = options.DeviceId?.Trim() ?? "";
    private ReadingGate? _gate;

    public async Task<ReadingOutcome> ProcessAsync(RawReading reading, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reading);
        var outage = health.RecordReading(reading.Version == MeterApiVersion.V2 ? "v2" : "v1");
        if (outage is { } down)
        {
            logger.MeterRecovered(down.TotalSeconds);
        }

        try
        {
            return await AdmitAsync(reading, cancellationToken);
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException)
        {
            // The reading cannot be kept: make it loud, in the log and in health.
            var reason = ex.GetType().Name + ": " + ex.Message;
            health.RecordSpoolWriteFailure(reason);
            logger.SpoolFailed(reason);
            return ReadingOutcome.SpoolFailed;
        }
    }

    private async Task<ReadingOutcome> AdmitAsync(RawReading reading, CancellationToken cancellationToken)
    {
        _gate ??= new ReadingGate(options.MaxPowerW, await spool.LastSpooledAsync(cancellationToken));

        Contracts.Wire.Sample sample;
        try
        {
            sample = SampleNormalizer.Normalize(reading, _deviceId, _zone);
        }
        catch (InvalidReadingException ex)
        {
            await QuarantineAsync(ex.Message, Encoding.UTF8.GetString(reading.Json.Span), cancellationToken);
            return ReadingOutcome.Quarantined;
        }

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
