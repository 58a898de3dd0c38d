namespace P1Telemetry.Edge.Health;

/// <summary>
/// When free disk space under the spool becomes a warning and when a problem (<c>SPOOL_DISK_WARN_MB</c>,
/// <c>SPOOL_DISK_MIN_MB</c>). At 1 Hz the spool grows by about 30 MB a day while the server is away, so the
/// defaults warn with about a month of outage left and turn unhealthy with about a week left.
/// </summary>
public sealed record HealthThresholds(long DiskWarnBytes, long DiskMinBytes)
{
    public const long DefaultDiskWarnMegabytes = 1024;

    public const long DefaultDiskMinMegabytes = 200;

    public static HealthThresholds Default { get; } = FromMegabytes(DefaultDiskWarnMegabytes, DefaultDiskMinMegabytes);

    public static HealthThresholds FromMegabytes(long warn, long min) => new(warn * 1024 * 1024, min * 1024 * 1024);
}
