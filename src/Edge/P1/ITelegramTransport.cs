namespace P1Telemetry.Edge.P1;

/// <summary>A byte stream that carries telegrams: a serial port or a TCP connection.</summary>
public interface ITelegramTransport
{
    /// <summary>How health and the logs name the source: <c>serial</c> or <c>tcp</c>.</summary>
    string Kind { get; }

    /// <summary>Where it reads from, for messages.</summary>
    string Describe();

    /// <summary>Opens the connection; the caller disposes the stream to close it.</summary>
    Task<Stream> OpenAsync(CancellationToken cancellationToken);
}
