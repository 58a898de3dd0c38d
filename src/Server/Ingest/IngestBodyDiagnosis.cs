using System.Text;
using System.Text.Json;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.Server.Auth;

namespace P1Telemetry.Server.Ingest;

/// <summary>
/// Says what is wrong with a body that the serializer refused, which stops at the first problem with a message
/// about .NET types. This walk reports the envelope's problem, or every sample's: each field that is missing,
/// repeated or of the wrong type (index, field, reason), so that a client learns all that is wrong at once.
/// Samples that the serializer reads are checked by <see cref="SampleRules"/> as in a valid batch.
/// Malformed JSON throws <see cref="JsonException"/>.
/// </summary>
internal sealed class IngestBodyDiagnosis(int maxSamples, SampleRules rules)
{
    private enum Kind
    {
        DeviceId,
        Timestamp,
        Integer,
        Number,
    }

    private static readonly (string Name, Kind Kind, bool Required)[] Fields =
    [
        ("device_id", Kind.DeviceId, true), ("ts", Kind.Timestamp, true), ("power_w", Kind.Integer, true),
        ("import_power_w", Kind.Integer, true), ("energy_import_kwh", Kind.Number, true), ("energy_export_kwh", Kind.Number, true),
        ("average_power_15m_w", Kind.Integer, false), ("monthly_power_peak_w", Kind.Integer, false), ("monthly_power_peak_ts", Kind.Timestamp, false),
        ("power_l1_w", Kind.Integer, false), ("power_l2_w", Kind.Integer, false), ("power_l3_w", Kind.Integer, false),
        ("gas_m3", Kind.Number, false), ("gas_ts", Kind.Timestamp, false),
    ];

    private static readonly byte[][] FieldsUtf8 = [.. Fields.Select(f => Encoding.UTF8.GetBytes(f.Name))];

    private SampleErrorList Errors => rules.Errors;

    public IngestBatch Read(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 16 });
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return IngestBatch.Structural("The body must be a JSON object {\"samples\": [...]}, not a bare value or array.");
        }

        IngestBatch? batch = null;
        var seenSamples = false;
        HashSet<string>? others = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isSamples = reader.ValueIsEscaped ? TryGetString(ref reader) == "samples" : reader.ValueSpan.SequenceEqual("samples"u8);
            if (isSamples ? seenSamples : !(others ??= new HashSet<string>(StringComparer.Ordinal)).Add(PropertyName(ref reader)))
            {
                return IngestBatch.Structural($"The body names '{SampleErrorList.Quote(reader.ValueSpan)}' more than once.", stoppedEarly: true);
            }

            seenSamples |= isSamples;
            reader.Read();
            if (isSamples && reader.TokenType == JsonTokenType.StartArray)
            {
                batch = ReadSamples(ref reader);
                if (batch.StoppedEarly)
                {
                    return batch;
                }
            }
            else
            {
                reader.Skip();
            }
        }

        // Anything after the closing brace makes the document malformed.
        reader.Read();
        return batch ?? IngestBatch.Structural("The body must carry a 'samples' array.");
    }

    private IngestBatch ReadSamples(ref Utf8JsonReader reader)
    {
        var valid = new List<Sample>();
        var index = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (index == maxSamples)
            {
                return IngestBatch.TooMany(CountRest(ref reader, index), maxSamples);
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                Errors.Add(index, "", $"a sample must be a JSON object, not {Describe(reader.TokenType)}");
                reader.Skip();
            }
            else
            {
                // Its values are checked once its fields are there, once each, with the right types.
                var start = reader;
                if (HasRightShape(ref reader, index) && CheckValues(start, index) is { } sample)
                {
                    valid.Add(sample);
                }
            }

            index++;
        }

        return rules.Verdict(index, valid);
    }

    /// <summary>The number of samples, counting on from the one the reader is at, the <paramref name="index"/>th.</summary>
    private static int CountRest(ref Utf8JsonReader reader, int index)
    {
        var count = index + 1;
        while (reader.TokenType != JsonTokenType.EndArray)
        {
            reader.Skip();
            if (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>The sample that <paramref name="reader"/> is at if it breaks no rule.</summary>
    private Sample? CheckValues(Utf8JsonReader reader, int index)
    {
        Sample? sample;
        try
        {
            sample = JsonSerializer.Deserialize(ref reader, WireJsonContext.Default.Sample);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // A property name that is no text (a lone surrogate escape): the serializer cannot read it.
            Errors.Add(index, "", "is not a readable sample: a property name is not valid text");
            return null;
        }

        return rules.Check(sample, index);
    }

    /// <summary>
    /// Records each field of the sample the reader is at that is repeated, of the wrong type or missing, and
    /// reads past the sample; true when there is none.
    /// </summary>
    private bool HasRightShape(ref Utf8JsonReader reader, int index)
    {
        var before = Errors.Count;
        var seen = 0;
        HashSet<string>? unknown = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = KnownField(ref reader);
            if (field >= 0 ? (seen & (1 << field)) != 0 : !(unknown ??= new HashSet<string>(StringComparer.Ordinal)).Add(PropertyName(ref reader)))
            {
                Errors.Add(index, field >= 0 ? Fields[field].Name : SampleErrorList.Quote(reader.ValueSpan), "appears more than once in the sample");
            }
            else if (field >= 0 && WrongType(ref reader, Fields[field].Kind, Fields[field].Required) is { } reason)
            {
                Errors.Add(index, Fields[field].Name, reason);
            }

            seen |= field >= 0 ? 1 << field : 0;
            reader.Read();
            reader.Skip();
        }

        for (var field = 0; field < Fields.Length; field++)
        {
            if (Fields[field].Required && (seen & (1 << field)) == 0)
            {
                Errors.Add(index, Fields[field].Name, "is required");
            }
        }

        return Errors.Count == before;
    }

    /// <summary>Why the value after the property name the reader is at does not fit the field; null when it does.</summary>
    private static string? WrongType(ref Utf8JsonReader reader, Kind kind, bool required)
    {
        var value = reader;
        value.Read();
        if (value.TokenType == JsonTokenType.Null && !required)
        {
            return null;
        }

        return kind switch
        {
            Kind.DeviceId when value.TokenType != JsonTokenType.String => $"must be a string, not {Describe(value.TokenType)}",
            Kind.DeviceId => TryGetString(ref value) is null ? $"must be {DeviceIdFormat.Description}" : null,
            Kind.Timestamp when value.TokenType == JsonTokenType.Null => "is required and must not be null",
            Kind.Timestamp when value.TokenType != JsonTokenType.String => $"must be an RFC 3339 timestamp string, not {Describe(value.TokenType)}",
            Kind.Timestamp => IsTimestamp(ref value) ? null : "must be an RFC 3339 timestamp with an offset, e.g. 2026-01-31T23:00:00Z",
            Kind.Integer when value.TokenType != JsonTokenType.Number => $"must be an integer, not {Describe(value.TokenType)}",
            Kind.Integer => value.TryGetInt32(out _) ? null : $"must be a whole number within the 32-bit range, got {SampleErrorList.Quote(value.ValueSpan)}",
            _ when value.TokenType == JsonTokenType.String && TryGetString(ref value) is { } text && IsNonFinite(text) =>
                $"must be a finite number, got \"{SampleErrorList.Quote(text)}\"",
            _ when value.TokenType != JsonTokenType.Number => $"must be a number, not {Describe(value.TokenType)}",
            _ => value.TryGetDouble(out _) ? null : $"must be a finite number, got {SampleErrorList.Quote(value.ValueSpan)}",
        };
    }

    private static bool IsNonFinite(string text) =>
        text.Contains("nan", StringComparison.OrdinalIgnoreCase) || text.Contains("inf", StringComparison.OrdinalIgnoreCase);

    private static bool IsTimestamp(ref Utf8JsonReader reader)
    {
        try
        {
            var converter = new Rfc3339TimestampConverter();
            _ = converter.Read(ref reader, typeof(DateTimeOffset), WireJsonContext.Default.Options);
            return true;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>The property's name for duplicate detection; names that are not valid text compare by their raw bytes.</summary>
    private static string PropertyName(ref Utf8JsonReader reader) => TryGetString(ref reader) ?? Convert.ToHexString(reader.ValueSpan);

    /// <summary>The string value, or null when it escapes a lone surrogate (such as "\ud800").</summary>
    private static string? TryGetString(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The index of a known sample field, or -1 for a field this server does not know.</summary>
    private static int KnownField(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped)
        {
            return TryGetString(ref reader) is { } name ? Array.FindIndex(Fields, f => f.Name == name) : -1;
        }

        for (var i = 0; i < FieldsUtf8.Length; i++)
        {
            if (reader.ValueSpan.SequenceEqual(FieldsUtf8[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => "missing",
    };
}
