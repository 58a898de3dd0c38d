namespace P1Telemetry.Edge.P1;

/// <summary>
/// Notices stale data while the source keeps answering: the meter's own timestamp no longer advances, or the
/// Belgian fields it used to report are gone. Thread-safe; every reading of every source passes through it.
/// </summary>
public sealed class MeterDataWatch
{
    /// <summary>Meters send every 1 s (DSMR 5) or 10 s (DSMR 4): a minute without a new timestamp is a stall.</summary>
    public static readonly TimeSpan StallAfter = TimeSpan.FromSeconds(60);

    private readonly Lock _lock = new();
    private DateTimeOffset? _lastMeterTs;
    private DateTimeOffset _lastAdvanceAt;
    private bool _sawBelgianFields;

    public bool ClockStalled { get; private set; }

    public bool BelgianFieldsMissing { get; private set; }

    /// <summary>Raised (outside the lock) when either signal changes.</summary>
    public event Action? Changed;

    public void Observe(DateTimeOffset meterTs, bool hasBelgianFields, DateTimeOffset now)
    {
        bool changed;
        lock (_lock)
        {
            if (_lastMeterTs is null || meterTs > _lastMeterTs)
            {
                _lastMeterTs = meterTs;
                _lastAdvanceAt = now;
            }

            _sawBelgianFields |= hasBelgianFields;
            var stalled = now - _lastAdvanceAt > StallAfter;
            var missing = _sawBelgianFields && !hasBelgianFields;
            changed = stalled != ClockStalled || missing != BelgianFieldsMissing;
            ClockStalled = stalled;
            BelgianFieldsMissing = missing;
        }

        if (changed)
        {
            Changed?.Invoke();
        }
    }
}
