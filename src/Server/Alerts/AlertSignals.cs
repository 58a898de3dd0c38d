using System.Collections.Concurrent;
using System.Threading.Channels;

namespace P1Telemetry.Server.Alerts;

/// <summary>
/// "Device X committed samples": a bounded queue an ingest writes to without waiting. A device already
/// queued is not queued twice, and a full queue drops the signal (the periodic sweep evaluates every device).
/// </summary>
public sealed class AlertSignals : IDisposable
{
    private readonly Channel<string> _devices = Channel.CreateBounded<string>(new BoundedChannelOptions(4096)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    private readonly ConcurrentDictionary<string, byte> _queued = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _deliveries = new(0, 1);
    private int _outstanding;

    /// <summary>No device is queued or being evaluated: every committed ingest so far has been looked at.</summary>
    public bool Idle => Volatile.Read(ref _outstanding) == 0;

    public void Committed(string deviceId)
    {
        if (!_queued.TryAdd(deviceId, 0))
        {
            return;
        }

        Interlocked.Increment(ref _outstanding);
        if (!_devices.Writer.TryWrite(deviceId))
        {
            _queued.TryRemove(deviceId, out _);
            Interlocked.Decrement(ref _outstanding);
        }
    }

    /// <summary>The evaluation of a device taken from the queue has ended (with or without an alert).</summary>
    internal void Evaluated() => Interlocked.Decrement(ref _outstanding);

    internal async ValueTask<string> NextDeviceAsync(CancellationToken cancellationToken)
    {
        var deviceId = await _devices.Reader.ReadAsync(cancellationToken);
        _queued.TryRemove(deviceId, out _);
        return deviceId;
    }

    /// <summary>Wakes the delivery worker: an alert was just inserted.</summary>
    public void AlertInserted()
    {
        if (_deliveries.CurrentCount == 0)
        {
            try
            {
                _deliveries.Release();
            }
            catch (SemaphoreFullException)
            {
            }
        }
    }

    public void Dispose() => _deliveries.Dispose();

    internal async Task WaitForDeliveriesAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        await _deliveries.WaitAsync(timeout, cancellationToken);
}
