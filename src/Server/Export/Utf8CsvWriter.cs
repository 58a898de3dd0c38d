using System.Buffers;
using System.Globalization;
using System.Text;

namespace P1Telemetry.Server.Export;

/// <summary>
/// Writes CSV straight into a buffer writer as UTF-8, without intermediate strings: numbers in the invariant
/// culture (shortest round-trip form), instants as RFC 3339 UTC with <c>Z</c>, absent values as empty cells.
/// Only fields that never need quoting are written (numbers, instants, device ids). Each row is formatted into
/// one span taken from the output, which keeps the per-field cost to the formatting itself.
/// </summary>
internal sealed class Utf8CsvWriter(IBufferWriter<byte> output)
{
    private const int MaxRowBytes = 1024;
    private Memory<byte> _row;
    private int _position = -1;

    public void Header(string header)
    {
        var bytes = Encoding.ASCII.GetBytes(header);
        bytes.CopyTo(output.GetSpan(bytes.Length));
        output.Advance(bytes.Length);
        Newline();
    }

    public void Field(string value)
    {
        var span = Next();
        _position += Encoding.UTF8.GetBytes(value, span);
    }

    public void Field(long? value)
    {
        var span = Next();
        if (value is { } v)
        {
            v.TryFormat(span, out var written, default, CultureInfo.InvariantCulture);
            _position += written;
        }
    }

    public void Field(double? value)
    {
        var span = Next();
        if (value is { } v)
        {
            v.TryFormat(span, out var written, default, CultureInfo.InvariantCulture);
            _position += written;
        }
    }

    public void Field(DateTimeOffset? value)
    {
        var span = Next();
        if (value is { } v)
        {
            // "O" of a UTC DateTime is RFC 3339 with seven fractional digits and Z, and has a fast path.
            v.UtcDateTime.TryFormat(span, out var written, "O", CultureInfo.InvariantCulture);
            _position += written;
        }
    }

    public void EndRow()
    {
        if (_position >= 0)
        {
            _row.Span[_position++] = (byte)'\n';
            output.Advance(_position);
            _position = -1;
        }
    }

    /// <summary>The free part of the row buffer, after a separator unless this is the row's first field.</summary>
    private Span<byte> Next()
    {
        if (_position < 0)
        {
            _row = output.GetMemory(MaxRowBytes);
            _position = 0;
        }
        else
        {
            _row.Span[_position++] = (byte)',';
        }

        return _row.Span[_position..];
    }

    private void Newline()
    {
        output.GetSpan(1)[0] = (byte)'\n';
        output.Advance(1);
    }
}
