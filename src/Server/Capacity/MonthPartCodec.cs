using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Serialization;
using P1Telemetry.Contracts.Domain;

namespace P1Telemetry.Server.Capacity;

/// <summary>
/// The cached form of a <see cref="MonthPart"/>: a 4-byte length, a small JSON header, then the peaks array as
/// it goes into responses, so that reading it back copies nothing.
/// </summary>
internal static class MonthPartCodec
{
    public static byte[] Encode(MonthPart part)
    {
        ArgumentNullException.ThrowIfNull(part);
        var header = JsonSerializer.SerializeToUtf8Bytes(
            new MonthPartHeader(part.Evaluated, part.QuarterCount, part.Peak, part.Gaps, part.Total, part.Top, part.Days),
            ReadJsonContext.Default.MonthPartHeader);
        var bytes = new byte[sizeof(int) + header.Length + part.PeaksJson.Length];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, header.Length);
        header.CopyTo(bytes.AsSpan(sizeof(int)));
        part.PeaksJson.Span.CopyTo(bytes.AsSpan(sizeof(int) + header.Length));
        return bytes;
    }

    public static MonthPart Decode(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var length = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        var header = JsonSerializer.Deserialize(bytes.AsSpan(sizeof(int), length), ReadJsonContext.Default.MonthPartHeader)
            ?? throw new JsonException("A cached month part has no header.");
        return new MonthPart(header.Evaluated, header.QuarterCount, header.Peak, header.Gaps, header.Total,
            bytes.AsMemory(sizeof(int) + length), header.Top ?? [], header.Days ?? []);
    }
}

/// <summary>Everything of a <see cref="MonthPart"/> but its peaks array.</summary>
internal sealed record MonthPartHeader(
    [property: JsonPropertyName("evaluated")] TimeRange Evaluated,
    [property: JsonPropertyName("quarter_count")] int QuarterCount,
    [property: JsonPropertyName("peak")] QuarterValue? Peak,
    [property: JsonPropertyName("gaps")] IReadOnlyList<TimeRange> Gaps,
    [property: JsonPropertyName("total")] QuarterSlot? Total,
    [property: JsonPropertyName("top")] IReadOnlyList<QuarterValue>? Top,
    [property: JsonPropertyName("days")] IReadOnlyList<DailyPeak>? Days);
