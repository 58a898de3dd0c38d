using P1Telemetry.Contracts.Dsmr;
using P1Telemetry.Contracts.Wire;

namespace P1Telemetry.Edge.P1;

/// <summary>
/// The latest 0-0:98.1.0 history the meter reported, as the server's meter peaks; <see cref="Version"/> grows
/// whenever it or the stale-data signals change, so that the poster knows what is not acknowledged yet.
/// </summary>
public sealed class MeterPeakHistory : IDisposable
{
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _signal = new(0, 1);
    private IReadOnlyList<MeterPeak> _peaks = [];

    public long Version { get; private set; }

    public IReadOnlyList<MeterPeak> Peaks
    {
        get
        {
            lock (_lock)
            {
                return _peaks;
            }
        }
    }

    /// <summary>Records the history of a telegram; months the meter marks empty are left out.</summary>
    public void Update(IReadOnlyList<DsmrMonthPeak> history, TimeZoneInfo zone, DateTimeOffset reference)
    {
        ArgumentNullException.ThrowIfNull(history);
        var peaks = new List<MeterPeak>(history.Count);
        foreach (var entry in history)
        {
            if (entry.PeakAt is { } at)
            {
                peaks.Add(new MeterPeak
                {
                    Month = entry.Month.ToString(),
                    PeakW = (int)Math.Round(entry.PeakKw * 1000m, MidpointRounding.AwayFromZero),
                    PeakTs = at.ToUtc(zone, reference),
                });
            }
        }

        lock (_lock)
        {
            if (peaks.SequenceEqual(_peaks))
            {
                return;
            }

            _peaks = peaks;
            Version++;
        }

        Signal();
    }

    /// <summary>Something else to post changed (the stale-data signals).</summary>
    public void Touch()
    {
        lock (_lock)
        {
            Version++;
        }

        Signal();
    }

    public async Task WaitForChangeAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var timeoutSource = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        try
        {
            await _signal.WaitAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
    }

    public void Dispose() => _signal.Dispose();

    private void Signal()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: the poster reads the latest state anyway.
        }
    }
}
