using Microsoft.Extensions.Logging;
using P1Telemetry.Edge.Uploading;

namespace P1Telemetry.EdgeBench;

/// <summary>
/// The uploader's logger, summing the server's answers: each upload is logged with the <c>Inserted</c> and
/// <c>Duplicates</c> counts of the ingest responses, as structured fields.
/// </summary>
internal sealed class UploadTally : ILogger<BatchUploader>
{
    private long _inserted;
    private long _duplicates;

    public long Inserted => Interlocked.Read(ref _inserted);

    public long Duplicates => Interlocked.Read(ref _duplicates);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (state is not IReadOnlyList<KeyValuePair<string, object?>> fields)
        {
            return;
        }

        foreach (var (name, value) in fields)
        {
            if (value is not int count)
            {
                continue;
            }

            if (name == "Inserted")
            {
                Interlocked.Add(ref _inserted, count);
            }
            else if (name == "Duplicates")
            {
                Interlocked.Add(ref _duplicates, count);
            }
        }
    }
}
