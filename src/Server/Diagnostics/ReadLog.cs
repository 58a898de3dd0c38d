namespace P1Telemetry.Server.Diagnostics;

/// <summary>Structured log events of the read endpoints (capacity, series, export).</summary>
internal static partial class ReadLog
{
    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Could not record in the {CacheKind} cache that the entries tagged {Tag} are stale; replicas that start meanwhile ignore older entries anyway")]
    public static partial void CacheTagDropFailed(ILogger logger, Exception exception, string cacheKind, string tag);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Exporting {Resolution} data of device {DeviceId} from {From} to {To} as {Format}")]
    public static partial void ExportStarted(ILogger logger, string deviceId, string resolution, DateTimeOffset from, DateTimeOffset to, string format);

    [LoggerMessage(EventId = 104, Level = LogLevel.Information, Message = "Exported {Rows} rows of device {DeviceId}")]
    public static partial void ExportFinished(ILogger logger, string deviceId, long rows);
}
