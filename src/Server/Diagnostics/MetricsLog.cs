namespace P1Telemetry.Server.Diagnostics;

internal static partial class MetricsLog
{
    [LoggerMessage(EventId = 1301, Level = LogLevel.Warning, Message = "Could not read the devices' last sample times for /metrics; the previous ones are reported")]
    public static partial void LastSampleTimesFailed(ILogger logger, Exception exception);
}
