namespace P1Telemetry.Server.Series;

/// <summary>A series request whose frame holds more buckets than one answer may carry.</summary>
public sealed class SeriesTooLargeException : Exception
{
    public SeriesTooLargeException()
    {
    }

    public SeriesTooLargeException(string message)
        : base(message)
    {
    }

    public SeriesTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public SeriesTooLargeException(long buckets)
        : base($"The series would hold about {buckets} buckets.")
    {
        Buckets = buckets;
    }

    public long Buckets { get; }
}
