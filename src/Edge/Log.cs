using Microsoft.Extensions.Logging;

namespace P1Telemetry.Edge;

/// <summary>Every log line the edge writes. Tokens never appear in any of them.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Meter at {MeterAddress} speaks API {ApiVersion} (serial {Serial}): {Why}")]
    public static partial void MeterDetected(this ILogger logger, string meterAddress, string apiVersion, string? serial, string why);

    [LoggerMessage(2, LogLevel.Warning, "No reading from the meter: {Reason}")]
    public static partial void MeterReadFailed(this ILogger logger, string reason);

    [LoggerMessage(3, LogLevel.Information, "Meter reachable again after {OutageSeconds:F0} s")]
    public static partial void MeterRecovered(this ILogger logger, double outageSeconds);

    [LoggerMessage(4, LogLevel.Information, "WebSocket push connected to {Uri}")]
    public static partial void WebSocketConnected(this ILogger logger, Uri uri);

    [LoggerMessage(5, LogLevel.Warning, "WebSocket push ended ({Reason}); polling until a reconnect in {RetrySeconds:F1} s")]
    public static partial void WebSocketEnded(this ILogger logger, string reason, double retrySeconds);

    [LoggerMessage(6, LogLevel.Warning, "Reading quarantined: {Reason}")]
    public static partial void ReadingQuarantined(this ILogger logger, string reason);

    [LoggerMessage(7, LogLevel.Debug, "Reading with an already seen meter timestamp {Ts:o} skipped")]
    public static partial void DuplicateReading(this ILogger logger, DateTimeOffset ts);

    [LoggerMessage(8, LogLevel.Error, "Spooling a reading failed: {Reason}")]
    public static partial void SpoolFailed(this ILogger logger, string reason);

    [LoggerMessage(9, LogLevel.Error, "Reading the meter failed unexpectedly; the loop goes on: {Reason}")]
    public static partial void ReaderLoopFailed(this ILogger logger, string reason);

    [LoggerMessage(20, LogLevel.Information, "Uploaded {Count} samples ({Inserted} new, {Duplicates} duplicates, {Quarantined} rejected); backlog remains: {MoreWaiting}")]
    public static partial void Uploaded(this ILogger logger, int count, int inserted, int duplicates, int quarantined, bool moreWaiting);

    [LoggerMessage(21, LogLevel.Warning, "Upload failed ({Reason}); retrying in {DelaySeconds:F1} s")]
    public static partial void UploadFailed(this ILogger logger, string reason, double delaySeconds);

    [LoggerMessage(22, LogLevel.Error, "The server refused the device token ({Reason}): check VPS_TOKEN and DEVICE_ID against the server's DEVICE_TOKENS; samples are kept, retrying in {DelaySeconds:F0} s")]
    public static partial void UploadUnauthorized(this ILogger logger, string reason, double delaySeconds);

    [LoggerMessage(23, LogLevel.Warning, "The server found the batch too large (HTTP 413); batch size lowered to {BatchSize}")]
    public static partial void BatchTooLarge(this ILogger logger, int batchSize);

    [LoggerMessage(24, LogLevel.Error, "The server rejected a sample (HTTP 422), moved to quarantine: {Reason}")]
    public static partial void SampleRejected(this ILogger logger, string reason);

    [LoggerMessage(30, LogLevel.Error, "Samples kept spooled, the server finds them too far in its future: {Reason}; retrying in {DelaySeconds:F1} s")]
    public static partial void UploadClockSkew(this ILogger logger, string reason, double delaySeconds);

    [LoggerMessage(31, LogLevel.Error, "Upload not acknowledged, check VPS_INGEST_URL: {Reason}; samples are kept, retrying in {DelaySeconds:F1} s")]
    public static partial void UploadMisdirected(this ILogger logger, string reason, double delaySeconds);

    [LoggerMessage(25, LogLevel.Information, "Device id {DeviceId} learnt from the server")]
    public static partial void DeviceIdLearnt(this ILogger logger, string deviceId);

    [LoggerMessage(26, LogLevel.Error, "DEVICE_ID is {Configured} but the server maps VPS_TOKEN to {ServerDeviceId}: fix DEVICE_ID or the server's DEVICE_TOKENS, uploads will be refused")]
    public static partial void DeviceIdMismatch(this ILogger logger, string configured, string serverDeviceId);

    [LoggerMessage(27, LogLevel.Warning, "Could not ask the server which device VPS_TOKEN belongs to: {Reason}")]
    public static partial void DeviceIdUnknown(this ILogger logger, string reason);

    [LoggerMessage(28, LogLevel.Information, "Shutting down: flushing up to {Count} spooled samples within {Seconds:F0} s")]
    public static partial void Flushing(this ILogger logger, long count, double seconds);

    [LoggerMessage(29, LogLevel.Information, "Shutdown flush done: {Remaining} samples stay spooled for the next start")]
    public static partial void Flushed(this ILogger logger, long remaining);

    [LoggerMessage(40, LogLevel.Warning, "Writing the health file {Path} failed: {Reason}")]
    public static partial void HealthWriteFailed(this ILogger logger, string path, string reason);

    [LoggerMessage(42, LogLevel.Warning, "Health warning: {Warning}")]
    public static partial void HealthWarning(this ILogger logger, string warning);

    [LoggerMessage(41, LogLevel.Information, "Edge started: meter {MeterSource}, server {IngestUrl}, spool {SpoolPath} ({Depth} samples waiting)")]
    public static partial void Started(this ILogger logger, string meterSource, string ingestUrl, string spoolPath, long depth);

    [LoggerMessage(50, LogLevel.Warning, "Telegram from {Source} rejected ({Reason}); {Count} rejected since start")]
    public static partial void TelegramRejected(this ILogger logger, string source, string reason, long count);

    [LoggerMessage(51, LogLevel.Information, "Reading telegrams from {Source}")]
    public static partial void P1PortConnected(this ILogger logger, string source);

    [LoggerMessage(52, LogLevel.Warning, "Lost {Source} ({Reason}); reconnecting in {RetrySeconds:F1} s")]
    public static partial void P1PortDisconnected(this ILogger logger, string source, string reason, double retrySeconds);

    [LoggerMessage(53, LogLevel.Information, "The server acknowledged the meter's peak history ({Months} months)")]
    public static partial void MeterPeaksPosted(this ILogger logger, int months);

    [LoggerMessage(54, LogLevel.Error, "The server refused the meter's peak history: {Reason}")]
    public static partial void MeterPeaksRefused(this ILogger logger, string reason);

    [LoggerMessage(55, LogLevel.Warning, "Posting the meter's peak history failed ({Reason}); retrying in {DelaySeconds:F1} s")]
    public static partial void MeterPeaksPostFailed(this ILogger logger, string reason, double delaySeconds);

    [LoggerMessage(56, LogLevel.Warning, "Could not read the dongle's raw telegram: {Reason}")]
    public static partial void RawTelegramFailed(this ILogger logger, string reason);

    [LoggerMessage(57, LogLevel.Information, "Raw telegram read: meter time {MeterTime} ({Flag}), {Months} months of peak history")]
    public static partial void RawTelegramRead(this ILogger logger, string meterTime, string flag, int months);
}
