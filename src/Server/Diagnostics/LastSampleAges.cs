using System.Data.Common;
using System.Diagnostics.Metrics;

namespace P1Telemetry.Server.Diagnostics;

/// <summary>
/// The gauge <c>p1.device.last_sample.age</c>: seconds since each device's newest sample. The sample times
/// come from the database (so every replica agrees), read at most once per <see cref="SnapshotLifetime"/>
/// before a scrape; the age itself is computed at collection time, so it keeps growing between reads.
/// </summary>
public sealed class LastSampleAges : IDisposable
{
    /// <summary>How long one read of the sample times serves scrapes (Prometheus scrapes every 15 to 60 s).</summary>
    public static readonly TimeSpan SnapshotLifetime = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(5);

    private readonly ILastSampleTimes _times;
    private readonly ServerMetrics _metrics;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<LastSampleAges> _logger;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private Snapshot? _snapshot;

    public LastSampleAges(ILastSampleTimes times, ServerMetrics metrics, TimeProvider timeProvider, ILogger<LastSampleAges> logger)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        _times = times;
        _metrics = metrics;
        _timeProvider = timeProvider;
        _logger = logger;
        metrics.Meter.CreateObservableGauge("p1.device.last_sample.age", Observe, "s",
            "Seconds since the newest sample of each device (label device_id), as stored in the database.");
    }

    /// <summary>Reads the sample times again when the last read is older than <see cref="SnapshotLifetime"/>; never throws for a database failure.</summary>
    public async Task RefreshIfStaleAsync(CancellationToken cancellationToken)
    {
        if (IsFresh(Volatile.Read(ref _snapshot)))
        {
            return;
        }

        await _refresh.WaitAsync(cancellationToken);
        try
        {
            if (IsFresh(Volatile.Read(ref _snapshot)))
            {
                return;
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ReadTimeout);
            var devices = await _times.ReadAsync(timeout.Token);
            Volatile.Write(ref _snapshot, new Snapshot(devices, _timeProvider.GetUtcNow()));
        }
        catch (Exception ex) when (ex is DbException or TimeoutException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // The previous times stay: their ages keep growing, which is what a stalled database looks like.
            _metrics.DatabaseError("metrics");
            MetricsLog.LastSampleTimesFailed(_logger, ex);
        }
        finally
        {
            _refresh.Release();
        }
    }

    public void Dispose() => _refresh.Dispose();

    private bool IsFresh(Snapshot? snapshot) =>
        snapshot is not null && _timeProvider.GetUtcNow() - snapshot.ReadAt < SnapshotLifetime;

    private IEnumerable<Measurement<double>> Observe()
    {
        if (Volatile.Read(ref _snapshot) is not { } snapshot)
        {
            return [];
        }

        var now = _timeProvider.GetUtcNow();
        var measurements = new Measurement<double>[snapshot.Devices.Count];
        for (var i = 0; i < measurements.Length; i++)
        {
            var device = snapshot.Devices[i];
            measurements[i] = new Measurement<double>(Math.Max(0, (now - device.LastTs).TotalSeconds),
                new KeyValuePair<string, object?>("device_id", device.DeviceId));
        }

        return measurements;
    }

    private sealed record Snapshot(IReadOnlyList<DeviceLastSample> Devices, DateTimeOffset ReadAt);
}
