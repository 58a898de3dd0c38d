using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.Edge.Configuration;
using P1Telemetry.Edge.Health;
using P1Telemetry.Edge.Uploading;

namespace P1Telemetry.Edge.P1;

/// <summary>
/// Posts the meter's peak history and the stale-data signals to the server whenever they change, and retries
/// with backoff until the server acknowledges them. A refusal (422) is logged and waits for the next change.
/// </summary>
public sealed class MeterPeaksPosterService(MeterPeakHistory history, MeterDataWatch watch, MeterPeaksClient client,
    DeviceIdentity identity, HealthMonitor health, EdgeOptions options, TimeProvider time, ILogger<MeterPeaksPosterService> logger)
    : BackgroundService
{
    /// <summary>Even without a change the state is posted again now and then, so the server knows it is current.</summary>
    private static readonly TimeSpan RepostEvery = TimeSpan.FromHours(1);

    private readonly ExponentialBackoff _backoff = new(options.BackoffBase, options.BackoffMax, Random.Shared);
    private long _acknowledged = -1;
    private DateTimeOffset _postedAt = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        watch.Changed += OnStateChanged;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var version = history.Version;
                var due = version != _acknowledged || time.GetUtcNow() - _postedAt >= RepostEvery;
                if (!due || (version == 0 && history.Peaks.Count == 0 && !watch.ClockStalled && !watch.BelgianFieldsMissing))
                {
                    await history.WaitForChangeAsync(RepostEvery, time, stoppingToken);
                    continue;
                }

                var delay = await PostAsync(version, stoppingToken);
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, time, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            watch.Changed -= OnStateChanged;
        }
    }

    private void OnStateChanged()
    {
        health.RecordMeterState(watch.ClockStalled, watch.BelgianFieldsMissing);
        history.Touch();
    }

    /// <summary>One attempt; returns how long to wait before the next one (zero after success or refusal).</summary>
    private async Task<TimeSpan> PostAsync(long version, CancellationToken cancellationToken)
    {
        var deviceId = identity.Current ?? await identity.ResolveAsync(cancellationToken);
        if (deviceId is null)
        {
            return _backoff.NextDelay() + TimeSpan.FromSeconds(1);
        }

        var peaks = history.Peaks;
        var request = new MeterPeaksRequest
        {
            DeviceId = deviceId,
            Peaks = peaks,
            MeterState = new MeterState
            {
                ClockStalled = watch.ClockStalled,
                BelgianFieldsMissing = watch.BelgianFieldsMissing,
                Source = options.Source.ToString().ToLowerInvariant(),
                ObservedAt = time.GetUtcNow(),
            },
        };
        var result = await client.PostAsync(request, cancellationToken);
        switch (result.Status)
        {
            case ReplyStatus.Accepted:
                _backoff.Reset();
                _acknowledged = version;
                _postedAt = time.GetUtcNow();
                health.RecordMeterPeaksPosted();
                logger.MeterPeaksPosted(peaks.Count);
                return TimeSpan.Zero;
            case ReplyStatus.Rejected:
                _acknowledged = version;
                _postedAt = time.GetUtcNow();
                logger.MeterPeaksRefused(result.Detail);
                return TimeSpan.Zero;
            default:
                var delay = _backoff.NextDelay() + TimeSpan.FromSeconds(1);
                logger.MeterPeaksPostFailed(result.Detail, delay.TotalSeconds);
                return delay;
        }
    }
}
