namespace P1Telemetry.Server.Storage;

/// <summary>
/// Instants are kept at microsecond resolution, the one PostgreSQL stores, so that both backends agree on
/// which timestamps are duplicates.
/// </summary>
public static class StorageTime
{
    private const long TicksPerMicrosecond = TimeSpan.TicksPerMicrosecond;

    public static DateTimeOffset Truncate(DateTimeOffset instant)
    {
        var ticks = instant.UtcTicks;
        return new DateTimeOffset(ticks - (ticks % TicksPerMicrosecond), TimeSpan.Zero);
    }

    public static long ToUnixMicroseconds(DateTimeOffset instant) =>
        (instant.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TicksPerMicrosecond;

    public static DateTimeOffset FromUnixMicroseconds(long microseconds) =>
        new(DateTimeOffset.UnixEpoch.UtcTicks + (microseconds * TicksPerMicrosecond), TimeSpan.Zero);
}
