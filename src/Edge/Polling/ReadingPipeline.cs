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
}

/// <summary>What happens to each raw reading: normalize, admit (dedupe, glitch check), spool or quarantine.</summary>
public sealed class ReadingPipeline(SampleSpool spool, HealthMonitor health, EdgeOptions options, ILogger<ReadingPipeline> logger,
    MeterDataWatch? watch = null, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    private readonly TimeZoneInfo _zone = options.ResolveTimeZone();
    private readonly ReadingGate _gate = new(options.MaxPowerW);
    private readonly string _deviceId = options.DeviceId?.Trim() ?? "";

    public async Task<ReadingOutcome> ProcessAsync(RawReading reading, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reading);
        RecordReading(reading.Version == MeterApiVersion.V2 ? "v2" : "v1");
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

        return await AdmitAsync(sample, cancellationToken);
    }

    /// <summary>A sample read from a P1 port telegram (<paramref name="source"/>: serial, tcp), through the same gate.</summary>
    public async Task<ReadingOutcome> ProcessSampleAsync(Contracts.Wire.Sample sample, string source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sample);
        RecordReading(source);
        return await AdmitAsync(sample with { DeviceId = _deviceId }, cancellationToken);
    }

    /// <summary>A telegram whose registers do not make a sample: kept in quarantine with its text.</summary>
    public Task QuarantineTelegramAsync(string reason, string telegram, CancellationToken cancellationToken) =>
        QuarantineAsync(reason, telegram, cancellationToken);

    private void RecordReading(string source)
    {
        var outage = health.RecordReading(source);
        if (outage is { } down)
        {
            logger.MeterRecovered(down.TotalSeconds);
        }
    }

    private async Task<ReadingOutcome> AdmitAsync(Contracts.Wire.Sample sample, CancellationToken cancellationToken)
    {
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
