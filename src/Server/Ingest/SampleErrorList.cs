using System.Text;

namespace P1Telemetry.Server.Ingest;

/// <summary>
/// The problems found in a batch: every one is counted, but only the first <see cref="MaxListed"/> are kept, so
/// that a small hostile body cannot expand into millions of error objects. Remembers whether every problem is
/// a timestamp ahead of the server clock, which the client must treat as clock skew rather than bad data.
/// </summary>
internal sealed class SampleErrorList
{
    public const int MaxListed = 100;

    /// <summary>How much of the client's input a reason quotes.</summary>
    public const int MaxQuotedChars = 40;

    private readonly List<SampleError> _listed = [];
    private int _lastIndex = -1;

    public int Count { get; private set; }

    /// <summary>How many distinct samples have at least one problem.</summary>
    public int BadSamples { get; private set; }

    public bool OnlyFutureTimestamps => Count > 0 && FutureCount == Count;

    public IReadOnlyList<SampleError> Listed => _listed;

    private int FutureCount { get; set; }

    public void Add(int index, string field, string reason) => Add(index, field, reason, future: false);

    public void AddFuture(int index, string field, string reason) => Add(index, field, reason, future: true);

    private void Add(int index, string field, string reason, bool future)
    {
        Count++;
        if (future)
        {
            FutureCount++;
        }

        if (index != _lastIndex)
        {
            BadSamples++;
            _lastIndex = index;
        }

        if (_listed.Count < MaxListed)
        {
            _listed.Add(new SampleError(index, field, reason));
        }
    }

    /// <summary>At most <see cref="MaxQuotedChars"/> characters of raw input, invalid UTF-8 replaced.</summary>
    public static string Quote(ReadOnlySpan<byte> utf8)
    {
        var text = Encoding.UTF8.GetString(utf8[..Math.Min(utf8.Length, MaxQuotedChars * 4)]);
        return Quote(text);
    }

    public static string Quote(string text) => text.Length <= MaxQuotedChars ? text : text[..MaxQuotedChars] + "...";
}
