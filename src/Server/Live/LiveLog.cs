namespace P1Telemetry.Server.Live;

/// <summary>Structured log events of the live event streams.</summary>
internal static partial class LiveLog
{
    [LoggerMessage(EventId = 601, Level = LogLevel.Warning, Message = "Could not compute the live figures of device {DeviceId} for its event streams")]
    public static partial void PushFailed(ILogger logger, Exception exception, string deviceId);
}
