namespace P1Telemetry.Contracts.Dsmr;

/// <summary>
/// Cuts a byte stream (serial port, TCP) into telegrams: from <c>/</c> through the line end after <c>!</c>. Reads
/// may split a telegram anywhere or hold several; bytes before a <c>/</c> (a connection opened mid-telegram, line
/// noise) are dropped, and a telegram cut short by a new <c>/</c> is dropped too. Not thread-safe: one reader.
/// </summary>
public sealed class DsmrFramer
{
    private readonly byte[] _buffer = new byte[DsmrParser.MaxTelegramBytes];
    private int _length;
    private int _scanned;

    /// <summary>Bytes dropped because they were not part of a complete telegram.</summary>
    public long DiscardedBytes { get; private set; }

    /// <summary>Telegrams that began but never ended (a new one started, or too long).</summary>
    public long Truncated { get; private set; }

    /// <summary>Adds what was read and returns every telegram that is now complete, in order.</summary>
    public IReadOnlyList<byte[]> Append(ReadOnlySpan<byte> data)
    {
        List<byte[]>? frames = null;
        while (!data.IsEmpty)
        {
            var room = _buffer.Length - _length;
            if (room == 0)
            {
                // No end within the longest telegram: whatever this is, it is not one.
                Truncated++;
                Drop(_length);
                continue;
            }

            var take = Math.Min(room, data.Length);
            data[..take].CopyTo(_buffer.AsSpan(_length));
            _length += take;
            data = data[take..];
            while (TryCut(out var frame))
            {
                (frames ??= []).Add(frame);
            }
        }

        return frames ?? (IReadOnlyList<byte[]>)[];
    }

    private bool TryCut(out byte[] frame)
    {
        frame = [];
        var start = _buffer.AsSpan(0, _length).IndexOf((byte)'/');
        if (start < 0)
        {
            Drop(_length);
            return false;
        }

        if (start > 0)
        {
            Drop(start);
        }

        // Scan from where the previous call stopped; a '/' inside the telegram means this one was cut short.
        var span = _buffer.AsSpan(0, _length);
        var position = Math.Max(1, _scanned);
        var bang = -1;
        for (; position < span.Length; position++)
        {
            var b = span[position];
            if (bang < 0 && b == (byte)'/')
            {
                Truncated++;
                Drop(position);
                return TryCut(out frame);
            }

            if (bang < 0 && b == (byte)'!')
            {
                bang = position;
            }
            else if (bang >= 0 && b == (byte)'\n')
            {
                frame = span[..(position + 1)].ToArray();
                Drop(position + 1, counted: false);
                return true;
            }
        }

        // Remember where to resume; '!' is found again because scanning restarts before it.
        _scanned = bang >= 0 ? bang : span.Length;
        return false;
    }

    private void Drop(int count, bool counted = true)
    {
        if (counted)
        {
            DiscardedBytes += count;
        }

        _buffer.AsSpan(count, _length - count).CopyTo(_buffer);
        _length -= count;
        _scanned = 0;
    }
}
