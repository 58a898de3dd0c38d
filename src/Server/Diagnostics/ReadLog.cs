namespace P1Telemetry.Server.Diagnostics;

/// <summary>Structured log events of the read endpoints (capacity, series, export).</summary>
internal static partial class ReadLog
{
    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "The {CacheKind} cache failed during {Operation}; computing from the database")]
    public static partial void ReadCacheFailed(ILogger logger, Exception exception, string cacheKind, string operation);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Could not renew the cache stamps of device {DeviceId} in the {CacheKind} cache; retried with the next renewal")]
    public static partial void StampRenewalFailed(ILogger logger, Exception exception, string cacheKind, string deviceId);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Exporting {Resolution} data of device {DeviceId} from {From} to {To} as {Format}")]
    public static partial void ExportStarted(ILogger logger, string deviceId, string resolution, DateTimeOffset from, DateTimeOffset to, string format);

    [LoggerMessage(EventId = 104, Level = LogLevel.Information, Message = "Exported {Rows} rows of device {DeviceId}")]
    public static partial void ExportFinished(ILogger logger, string deviceId, long rows);
}
