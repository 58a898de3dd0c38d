namespace P1Telemetry.Server.Diagnostics;

/// <summary>Log events about replicas sharing one database.</summary>
internal static partial class ReplicaLog
{
    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "Another p1-server holds this database's replica lock; waiting for the {Mode} lock")]
    public static partial void WaitingForReplicaLock(ILogger logger, string mode);
}
