using System.Text.Json;
using System.Text.Json.Serialization;

namespace P1Telemetry.Contracts.Wire;

/// <summary>
/// A sample's timestamps are RFC 3339: a date-time with 'T' and an explicit offset ('Z' or ±hh:mm). The default
/// reader would take a local time as the reader's own zone, which on a server is an hour or two off.
/// Written exactly as the default converter writes them.
/// </summary>
public sealed class Rfc3339TimestampConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String || !Rfc3339Timestamp.HasExplicitOffset(Unescaped(ref reader))
            || !reader.TryGetDateTimeOffset(out var value))
        {
            throw new JsonException("A timestamp must be an RFC 3339 string with an offset.");
        }

        return value;
    }

    private static ReadOnlySpan<byte> Unescaped(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return reader.ValueSpan;
        }

        try
        {
            return System.Text.Encoding.UTF8.GetBytes(reader.GetString()!);
        }
        catch (InvalidOperationException)
        {
            // A lone surrogate such as "\ud800" is no text at all.
            return default;
        }
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value);
    }
}

/// <summary>The shape of an RFC 3339 timestamp, checked before it is parsed.</summary>
public static class Rfc3339Timestamp
{
    /// <summary>True for a date-time with 'T' and an offset ('Z' or ±hh:mm) at its end; local times are refused.</summary>
    public static bool HasExplicitOffset(ReadOnlySpan<byte> text)
    {
        if (text.Length < 20 || text[10] is not ((byte)'T' or (byte)'t'))
        {
            return false;
        }

        return text[^1] is (byte)'Z' or (byte)'z' || (text[^6] is (byte)'+' or (byte)'-' && text[^3] == (byte)':');
    }
}
