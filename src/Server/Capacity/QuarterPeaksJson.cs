using System.Text.Json;
using P1Telemetry.Contracts.Domain;
using P1Telemetry.Server.ReadPath;

namespace P1Telemetry.Server.Capacity;

/// <summary>
/// Quarter values as the <c>peaks</c> array of the month view. A month has up to 3,000 of them: its settled days
/// are written once and cached as JSON, and only today's quarters are written per request.
/// </summary>
public static class QuarterPeaksJson
{
    public static ReadOnlyMemory<byte> EmptyArray { get; } = "[]"u8.ToArray();

    public static byte[] Write(IReadOnlyList<QuarterValue> quarters)
    {
        ArgumentNullException.ThrowIfNull(quarters);
        return JsonSerializer.SerializeToUtf8Bytes([.. quarters.Select(QuarterPeak.From)], ReadJsonContext.Default.IReadOnlyListQuarterPeak);
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
