namespace P1Telemetry.Server.Storage;

/// <summary>
/// An append whose database called rows duplicates that a read in the same transaction does not find (a
/// storage engine that skipped rows silently). The transaction was rolled back: nothing of the batch is stored.
/// </summary>
public sealed class DuplicatesNotConfirmedException : Exception
{
    public DuplicatesNotConfirmedException()
    {
    }

    public DuplicatesNotConfirmedException(string message)
        : base(message)
    {
    }

    public DuplicatesNotConfirmedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DuplicatesNotConfirmedException(string deviceId, int missing)
        : base($"{missing} sample(s) of device {deviceId} were reported as duplicates but are not stored.")
    {
        Missing = missing;
    }

    /// <summary>How many reported duplicates were not found.</summary>
    public int Missing { get; }
}
