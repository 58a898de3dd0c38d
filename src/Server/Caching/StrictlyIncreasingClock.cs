namespace P1Telemetry.Server.Caching;

/// <summary>
/// The injected clock, except that no two readings are equal. The read cache stamps each entry and each
/// invalidation with this clock and treats an entry stamped at or before an invalidation as stale; with a
/// clock that stands still (or ticks coarsely) a value computed after an ingest would otherwise never be
/// served from the cache again.
/// </summary>
internal sealed class StrictlyIncreasingClock(TimeProvider inner) : TimeProvider
{
    private long _lastTicks;

    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override long GetTimestamp() => inner.GetTimestamp();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        inner.CreateTimer(callback, state, dueTime, period);

    public override DateTimeOffset GetUtcNow()
    {
        var now = inner.GetUtcNow().UtcTicks;
        while (true)
        {
            var last = Volatile.Read(ref _lastTicks);
            var next = now > last ? now : last + 1;
            if (Interlocked.CompareExchange(ref _lastTicks, next, last) == last)
            {
                return new DateTimeOffset(next, TimeSpan.Zero);
            }
        }
    }
}
