namespace P1Telemetry.Edge.Normalization;

/// <summary>A reading that cannot become a sample; the reason goes to the quarantine table with the payload.</summary>
public sealed class InvalidReadingException : Exception
{
    public InvalidReadingException()
    {
    }

    public InvalidReadingException(string message)
        : base(message)
    {
    }

    public InvalidReadingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
