namespace P1Telemetry.Server.Diagnostics;

/// <summary>The server's structured log events.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Schema of the {Backend} database is at version {Version}")]
    public static partial void SchemaMigrated(ILogger logger, string backend, int version);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Ingested {Inserted} new samples and {Duplicates} duplicates for device {DeviceId}")]
    public static partial void Ingested(ILogger logger, string deviceId, int inserted, int duplicates);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Rejected an ingest for device {DeviceId}: {Status} {Reason}")]
    public static partial void IngestRejected(ILogger logger, string deviceId, int status, string reason);

    // Debug: a scanner probing with bad tokens must not fill the disk with one warning per request.
    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "Authentication failed for {Path}: {Reason}")]
    public static partial void AuthenticationFailed(ILogger logger, PathString path, string reason);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Device {CallerDeviceId} was refused access to device {RequestedDeviceId}")]
    public static partial void DeviceForbidden(ILogger logger, string callerDeviceId, string requestedDeviceId);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "The {CacheKind} cache failed during {Operation}; falling back to the database")]
    public static partial void CacheFailed(ILogger logger, Exception exception, string cacheKind, string operation);

    [LoggerMessage(EventId = 7, Level = LogLevel.Error, Message = "The database is unavailable")]
    public static partial void DatabaseUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 8, Level = LogLevel.Error, Message = "Unhandled exception while serving {Method} {Path}")]
    public static partial void UnhandledException(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(EventId = 9, Level = LogLevel.Information, Message = "Serving with the {Backend} store and the {CacheKind} cache, {DeviceCount} configured device token(s)")]
    public static partial void Starting(ILogger logger, string backend, string cacheKind, int deviceCount);

    [LoggerMessage(EventId = 10, Level = LogLevel.Error, Message = "The database reported {Missing} of {Count} samples of device {DeviceId} as duplicates that it does not hold; answered 503 and stored nothing")]
    public static partial void DuplicatesNotConfirmed(ILogger logger, Exception exception, string deviceId, int missing, int count);

    [LoggerMessage(EventId = 11, Level = LogLevel.Error, Message = "The {Dependency} health check failed")]
    public static partial void HealthCheckFailed(ILogger logger, Exception exception, string dependency);
}
