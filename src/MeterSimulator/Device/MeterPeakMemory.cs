using P1Telemetry.Contracts.Domain;
using P1Telemetry.Contracts.Dsmr;
using P1Telemetry.MeterSimulator.Meter;

namespace P1Telemetry.MeterSimulator.Device;

/// <summary>
/// The meter's 0-0:98.1.0 memory: the peak of each of the last months before the current one, from the same
/// household profile as the history and the live telegrams (so the peaks match what those show for the month).
/// Months cost about a second of CPU each, so they are computed in the background, newest first, and only once
/// a raw telegram is wanted; until then the history holds the months done so far, as a meter's grows.
/// </summary>
internal sealed class MeterPeakMemory(SimulatedDevice device)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<LocalMonth, DsmrMonthPeak> _done = [];
    private LocalMonth? _current;
    private Task? _work;
    private volatile bool _wanted;

    /// <summary>Someone reads raw telegrams: from now on the history is computed.</summary>
    public void Want() => _wanted = true;

    /// <summary>The months known so far before <paramref name="now"/>'s local month, oldest first.</summary>
    public IReadOnlyList<DsmrMonthPeak> Before(DateTimeOffset now)
    {
        var zone = device.TimeZone;
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var current = new LocalMonth(local.Year, local.Month);
        lock (_gate)
        {
            if (_wanted && _current != current && device.Options.HistoryMonths > 0)
            {
                _current = current;
                var previous = _work ?? Task.CompletedTask;
                _work = previous.ContinueWith(_ => Compute(current), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            }

            var months = new List<DsmrMonthPeak>(device.Options.HistoryMonths);
            for (var back = device.Options.HistoryMonths; back >= 1; back--)
            {
                if (_done.TryGetValue(current.AddMonths(-back), out var peak))
                {
                    months.Add(peak);
                }
            }

            return months;
        }
    }

    /// <summary>Waits until every month before <paramref name="now"/>'s is known (tests and the first telegram of a run).</summary>
    public async Task WaitAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        Want();
        _ = Before(now);
        Task? work;
        lock (_gate)
        {
            work = _work;
        }

        if (work is not null)
        {
            await work.WaitAsync(cancellationToken);
        }
    }

    private void Compute(LocalMonth current)
    {
        for (var back = 1; back <= device.Options.HistoryMonths; back++)
        {
            var month = current.AddMonths(-back);
            lock (_gate)
            {
                if (_done.ContainsKey(month))
                {
                    continue;
                }
            }

            var entry = PeakOf(month);
            lock (_gate)
            {
                _done[month] = entry;
            }
        }
    }

    private DsmrMonthPeak PeakOf(LocalMonth month)
    {
        var zone = device.TimeZone;
        var calendar = new LocalCalendar(zone);
        var range = calendar.Month(month);
        var quarters = (int)((range.End - range.Start).Ticks / QuarterHour.Length.Ticks);
        var monthStart = DsmrTimestamp.FromUtc(range.End, zone);
        return MonthQuarterValues.Peak(device.Options.Seed, zone, range.Start, quarters) is { } peak
            ? new DsmrMonthPeak(monthStart, DsmrTimestamp.FromUtc(peak.QuarterEnd, zone), peak.ValueW / 1000m)
            : new DsmrMonthPeak(monthStart, null, 0);
    }
}
