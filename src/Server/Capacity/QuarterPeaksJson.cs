using System.Buffers;
using System.Text.Json;
using P1Telemetry.Contracts.Domain;

namespace P1Telemetry.Server.Capacity;

/// <summary>
/// Writes quarter values as the <c>peaks</c> array of the month view, exactly as the serializer writes
/// <see cref="QuarterPeak"/>. A month has up to 3,000 of them: its settled days are written once and cached
/// as JSON, and only today's quarters are written per request.
/// </summary>
public static class QuarterPeaksJson
{
    private static readonly JsonEncodedText Start = JsonEncodedText.Encode("start");
    private static readonly JsonEncodedText End = JsonEncodedText.Encode("end");
    private static readonly JsonEncodedText AveragePowerW = JsonEncodedText.Encode("average_power_w");
    private static readonly JsonEncodedText Samples = JsonEncodedText.Encode("samples");
    private static readonly JsonEncodedText MeanImportPowerW = JsonEncodedText.Encode("mean_import_power_w");

    public static ReadOnlyMemory<byte> EmptyArray { get; } = "[]"u8.ToArray();

    public static byte[] Write(IReadOnlyList<QuarterValue> quarters)
    {
        ArgumentNullException.ThrowIfNull(quarters);
        if (quarters.Count == 0)
        {
            return [.. EmptyArray.Span];
        }

        // About 150 bytes a quarter.
        var buffer = new ArrayBufferWriter<byte>((quarters.Count * 160) + 2);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var quarter in quarters)
            {
                writer.WriteStartObject();
                writer.WriteString(Start, quarter.Start);
                writer.WriteString(End, quarter.End);
                writer.WriteNumber(AveragePowerW, Math.Round(quarter.AveragePowerW, 1));
                writer.WriteNumber(Samples, quarter.SampleCount);
                writer.WriteNumber(MeanImportPowerW, Math.Round(quarter.MeanImportPowerW, 1));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The elements of JSON array <paramref name="first"/> followed by those of <paramref name="second"/>.</summary>
    public static ReadOnlyMemory<byte> Concat(ReadOnlyMemory<byte> first, ReadOnlyMemory<byte> second)
    {
        if (IsEmptyArray(second.Span))
        {
            return first;
        }

        if (IsEmptyArray(first.Span))
        {
            return second;
        }

        // "[a,b]" + "[c]" = "[a,b" + "," + "c]"
        var joined = new byte[first.Length + second.Length - 1];
        first.Span[..^1].CopyTo(joined);
        joined[first.Length - 1] = (byte)',';
        second.Span[1..].CopyTo(joined.AsSpan(first.Length));
        return joined;
    }

    private static bool IsEmptyArray(ReadOnlySpan<byte> json) => json.Length == 2;
}
