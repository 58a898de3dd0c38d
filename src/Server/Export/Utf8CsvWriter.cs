using System.Buffers;
using System.Globalization;
using System.Text;

namespace P1Telemetry.Server.Export;

/// <summary>
/// Writes CSV straight into a buffer writer as UTF-8, without intermediate strings: numbers in the invariant
/// culture (shortest round-trip form), instants as RFC 3339 UTC with <c>Z</c>, absent values as empty cells.
/// Only fields that never need quoting are written (numbers, instants, device ids).
/// </summary>
internal sealed class Utf8CsvWriter(IBufferWriter<byte> output)
{
    private const int MaxFieldBytes = 64;
    private bool _rowStarted;

    public void Header(string header)
    {
        Raw(Encoding.ASCII.GetBytes(header));
        EndRow();
    }

    public void Field(string value)
    {
        Separator();
        Raw(Encoding.UTF8.GetBytes(value));
    }

    public void Field(long? value)
    {
        Separator();
        if (value is { } v)
        {
            var span = output.GetSpan(MaxFieldBytes);
            v.TryFormat(span, out var written, default, CultureInfo.InvariantCulture);
            output.Advance(written);
        }
    }

    public void Field(double? value)
    {
        Separator();
        if (value is { } v)
        {
            var span = output.GetSpan(MaxFieldBytes);
            v.TryFormat(span, out var written, default, CultureInfo.InvariantCulture);
            output.Advance(written);
        }
    }

    public void Field(DateTimeOffset? value)
    {
        Separator();
        if (value is { } v)
        {
            var span = output.GetSpan(MaxFieldBytes);
            // "O" of a UTC DateTime is RFC 3339 with seven fractional digits and Z, and has a fast path.
            v.UtcDateTime.TryFormat(span, out var written, "O", CultureInfo.InvariantCulture);
            output.Advance(written);
        }
    }

    public void EndRow()
    {
        output.GetSpan(1)[0] = (byte)'\n';
        output.Advance(1);
        _rowStarted = false;
    }

    private void Separator()
    {
        if (_rowStarted)
        {
            output.GetSpan(1)[0] = (byte)',';
            output.Advance(1);
        }

        _rowStarted = true;
    }

    private void Raw(byte[] bytes)
    {
        bytes.CopyTo(output.GetSpan(bytes.Length));
        output.Advance(bytes.Length);
    }
}
