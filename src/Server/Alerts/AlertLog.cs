namespace P1Telemetry.Server.Alerts;

internal static partial class AlertLog
{
    [LoggerMessage(EventId = 7010, Level = LogLevel.Information, Message = "Alert {Kind} raised for {DeviceId}, quarter {QuarterStart:o}")]
    public static partial void Raised(ILogger logger, string kind, string deviceId, DateTimeOffset quarterStart);

    [LoggerMessage(EventId = 7011, Level = LogLevel.Warning, Message = "Alert evaluation of {DeviceId} failed")]
    public static partial void EvaluationFailed(ILogger logger, Exception exception, string deviceId);

    [LoggerMessage(EventId = 7012, Level = LogLevel.Information, Message = "Alert {Kind} of {DeviceId} delivered on {Channel} (attempt {Attempt})")]
    public static partial void Delivered(ILogger logger, string kind, string deviceId, string channel, int attempt);

    [LoggerMessage(EventId = 7013, Level = LogLevel.Warning, Message = "Alert {Kind} of {DeviceId} not delivered on {Channel} (attempt {Attempt}): {Error}; {Next}")]
    public static partial void DeliveryFailed(ILogger logger, string kind, string deviceId, string channel, int attempt, string error, string next);

    [LoggerMessage(EventId = 7014, Level = LogLevel.Warning, Message = "The alert outbox could not be read")]
    public static partial void OutboxFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 7015, Level = LogLevel.Debug, Message = "MQTT state of {DeviceId} not published")]
    public static partial void StateFailed(ILogger logger, Exception exception, string deviceId);
}
