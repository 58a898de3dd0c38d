using System.Text;
using System.Text.Json;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.Server.Auth;

namespace P1Telemetry.Server.Ingest;

/// <summary>
/// Reads <c>{"samples":[...]}</c> in one forward pass with <see cref="Utf8JsonReader"/>, validating every field
/// of every sample and recording each problem as (index, field, reason), so that the client learns exactly
/// which samples are bad and why. Malformed JSON throws <see cref="JsonException"/>.
/// </summary>
internal sealed class IngestBatchReader
{
    /// <summary>No household meter's register reaches 10^9 kWh or m³; such a value is corrupt.</summary>
    private const double MaxRegister = 1e9;

    private static readonly string[] Fields =
    [
        "device_id", "ts", "power_w", "import_power_w", "energy_import_kwh", "energy_export_kwh", "average_power_15m_w",
        "monthly_power_peak_w", "monthly_power_peak_ts", "power_l1_w", "power_l2_w", "power_l3_w", "gas_m3", "gas_ts",
    ];

    private static readonly byte[][] FieldsUtf8 = [.. Fields.Select(Encoding.UTF8.GetBytes)];

    /// <summary>Nothing this old comes from a working meter; it is a clock that was never set.</summary>
    private static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly string _caller;
    private readonly byte[] _callerUtf8;
    private readonly int _maxSamples;
    private readonly DateTimeOffset _now;
    private readonly DateTimeOffset _latest;

    public IngestBatchReader(string caller, int maxSamples, DateTimeOffset now, TimeSpan maxClockSkew)
    {
        _caller = caller;
        _callerUtf8 = Encoding.UTF8.GetBytes(caller);
        _maxSamples = maxSamples;
        _now = now;
        _latest = now + maxClockSkew;
    }

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
        var samples = new List<Sample>(Math.Min(_maxSamples, 8192));
        var errors = new SampleErrorList();
        int? foreignIndex = null;
        string? foreignDevice = null;
        var index = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (index == _maxSamples)
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

                return IngestBatch.Structural(
                    $"The batch holds {count} samples; at most {_maxSamples} (MAX_BATCH_SAMPLES) are accepted per request.", stoppedEarly: true);
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                errors.Add(index, "", $"a sample must be a JSON object, not {Describe(reader.TokenType)}");
                reader.Skip();
            }
            else
            {
                var sample = ReadSample(ref reader, index, errors, out var foreign);
                if (foreign is not null && foreignIndex is null)
                {
                    foreignIndex = index;
                    foreignDevice = foreign;
                }

                if (sample is not null)
                {
                    samples.Add(sample);
                }
            }

            index++;
        }

        if (foreignIndex is not null)
        {
            return IngestBatch.Forbidden(
                $"Sample {foreignIndex} carries device_id '{foreignDevice}' but the token belongs to device '{_caller}'.");
        }

        if (index == 0)
        {
            return IngestBatch.Structural("The batch is empty: 'samples' holds no sample.");
        }

        if (errors.Count > 0)
        {
            var listed = errors.Count > errors.Listed.Count ? $" The first {errors.Listed.Count} of {errors.Count} problems are listed." : string.Empty;
            return errors.OnlyFutureTimestamps
                ? IngestBatch.ClockSkew($"{errors.BadSamples} of {index} samples are further in the future than MAX_CLOCK_SKEW_S allows; nothing was stored.{listed}", errors)
                : IngestBatch.Invalid($"{errors.BadSamples} of {index} samples are invalid; nothing was stored.{listed}", errors);
        }

        return IngestBatch.Valid(samples);
    }

    private Sample? ReadSample(ref Utf8JsonReader reader, int index, SampleErrorList errors, out string? foreignDevice)
    {
        foreignDevice = null;
        var before = errors.Count;
        string? deviceId = null;
        DateTimeOffset? ts = null, monthlyPeakTs = null, gasTs = null;
        int? power = null, importPower = null, average15m = null, monthlyPeak = null, l1 = null, l2 = null, l3 = null;
        double? energyImport = null, energyExport = null, gas = null;
        bool seenDevice = false, seenTs = false, seenPower = false, seenImportPower = false, seenImport = false, seenExport = false;

        var seen = 0;
        HashSet<string>? unknown = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = KnownField(ref reader);
            if (field >= 0 ? (seen & (1 << field)) != 0 : !(unknown ??= new HashSet<string>(StringComparer.Ordinal)).Add(PropertyName(ref reader)))
            {
                // Which of two values would count is a guess; refusing the sample makes the client fix it.
                errors.Add(index, field >= 0 ? Fields[field] : SampleErrorList.Quote(reader.ValueSpan), "appears more than once in the sample");
                reader.Read();
                reader.Skip();
                continue;
            }

            seen |= field >= 0 ? 1 << field : 0;
            if (field == 0)
            {
                reader.Read();
                seenDevice = true;
                deviceId = ReadDeviceId(ref reader, index, errors, out foreignDevice);
            }
            else if (field == 1)
            {
                reader.Read();
                seenTs = true;
                ts = ReadTimestamp(ref reader, index, "ts", required: true, checkRange: true, errors);
            }
            else if (field == 2)
            {
                reader.Read();
                seenPower = true;
                power = ReadInt(ref reader, index, "power_w", required: true, nonNegative: false, errors);
            }
            else if (field == 3)
            {
                reader.Read();
                seenImportPower = true;
                importPower = ReadInt(ref reader, index, "import_power_w", required: true, nonNegative: true, errors);
            }
            else if (field == 4)
            {
                reader.Read();
                seenImport = true;
                energyImport = ReadDouble(ref reader, index, "energy_import_kwh", required: true, errors);
            }
            else if (field == 5)
            {
                reader.Read();
                seenExport = true;
                energyExport = ReadDouble(ref reader, index, "energy_export_kwh", required: true, errors);
            }
            else if (field == 6)
            {
                reader.Read();
                average15m = ReadInt(ref reader, index, "average_power_15m_w", required: false, nonNegative: true, errors);
            }
            else if (field == 7)
            {
                reader.Read();
                monthlyPeak = ReadInt(ref reader, index, "monthly_power_peak_w", required: false, nonNegative: true, errors);
            }
            else if (field == 8)
            {
                reader.Read();
                monthlyPeakTs = ReadTimestamp(ref reader, index, "monthly_power_peak_ts", required: false, checkRange: false, errors);
            }
            else if (field == 9)
            {
                reader.Read();
                l1 = ReadInt(ref reader, index, "power_l1_w", required: false, nonNegative: false, errors);
            }
            else if (field == 10)
            {
                reader.Read();
                l2 = ReadInt(ref reader, index, "power_l2_w", required: false, nonNegative: false, errors);
            }
            else if (field == 11)
            {
                reader.Read();
                l3 = ReadInt(ref reader, index, "power_l3_w", required: false, nonNegative: false, errors);
            }
            else if (field == 12)
            {
                reader.Read();
                gas = ReadDouble(ref reader, index, "gas_m3", required: false, errors);
            }
            else if (field == 13)
            {
                reader.Read();
                gasTs = ReadTimestamp(ref reader, index, "gas_ts", required: false, checkRange: false, errors);
            }
            else
            {
                // Unknown fields are ignored so that newer edges can send more than this server knows.
                reader.Read();
                reader.Skip();
            }
        }

        RequirePresent(seenDevice, index, "device_id", errors);
        RequirePresent(seenTs, index, "ts", errors);
        RequirePresent(seenPower, index, "power_w", errors);
        RequirePresent(seenImportPower, index, "import_power_w", errors);
        RequirePresent(seenImport, index, "energy_import_kwh", errors);
        RequirePresent(seenExport, index, "energy_export_kwh", errors);

        if (power is { } p && importPower is { } ip && ip != Math.Max(p, 0))
        {
            errors.Add(index, "import_power_w", $"must equal max(power_w, 0) = {Math.Max(p, 0)}, got {ip}");
        }

        if (errors.Count != before || foreignDevice is not null)
        {
            return null;
        }

        return new Sample
        {
            DeviceId = deviceId!,
            Ts = ts!.Value,
            PowerW = power!.Value,
            ImportPowerW = importPower!.Value,
            EnergyImportKwh = energyImport!.Value,
            EnergyExportKwh = energyExport!.Value,
            AveragePower15mW = average15m,
            MonthlyPowerPeakW = monthlyPeak,
            MonthlyPowerPeakTs = monthlyPeakTs,
            PowerL1W = l1,
            PowerL2W = l2,
            PowerL3W = l3,
            GasM3 = gas,
            GasTs = gasTs,
        };
    }

    private static void RequirePresent(bool seen, int index, string field, SampleErrorList errors)
    {
        if (!seen)
        {
            errors.Add(index, field, "is required");
        }
    }

    /// <summary>The caller's own id (without allocating), or null with an error or the foreign id set.</summary>
    private string? ReadDeviceId(ref Utf8JsonReader reader, int index, SampleErrorList errors, out string? foreignDevice)
    {
        foreignDevice = null;
        if (reader.TokenType != JsonTokenType.String)
        {
            errors.Add(index, "device_id", $"must be a string, not {Describe(reader.TokenType)}");
            reader.Skip();
            return null;
        }

        if (!reader.ValueIsEscaped && reader.ValueTextEquals(_callerUtf8))
        {
            return _caller;
        }

        var deviceId = TryGetString(ref reader);
        if (string.Equals(deviceId, _caller, StringComparison.Ordinal))
        {
            return _caller;
        }

        if (deviceId is null || !DeviceIdFormat.IsValid(deviceId))
        {
            errors.Add(index, "device_id", $"must be {DeviceIdFormat.Description}");
            return null;
        }

        foreignDevice = deviceId;
        return null;
    }

    private DateTimeOffset? ReadTimestamp(ref Utf8JsonReader reader, int index, string field, bool required, bool checkRange, SampleErrorList errors)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            if (required)
            {
                errors.Add(index, field, "is required and must not be null");
            }

            return null;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            errors.Add(index, field, $"must be an RFC 3339 timestamp string, not {Describe(reader.TokenType)}");
            reader.Skip();
            return null;
        }

        if (!HasExplicitOffset(ref reader) || !TryGetDateTimeOffset(ref reader, out var instant))
        {
            errors.Add(index, field, "must be an RFC 3339 timestamp with an offset, e.g. 2026-01-31T23:00:00Z");
            return null;
        }

        instant = instant.ToUniversalTime();
        if (checkRange && instant < Earliest)
        {
            errors.Add(index, field, $"{instant:O} is before {Earliest:yyyy-MM-dd}: the clock was not set");
            return null;
        }

        if (checkRange && instant > _latest)
        {
            errors.AddFuture(index, field, $"{instant:O} is in the future (server time {_now:O})");
            return null;
        }

        return instant;
    }

    /// <summary>RFC 3339 requires a date-time with 'T' and an explicit offset ('Z' or ±hh:mm); local times are refused.</summary>
    private static bool HasExplicitOffset(ref Utf8JsonReader reader)
    {
        ReadOnlySpan<byte> text = reader.ValueIsEscaped ? Encoding.UTF8.GetBytes(TryGetString(ref reader) ?? string.Empty) : reader.ValueSpan;
        if (text.Length < 20 || text[10] is not ((byte)'T' or (byte)'t'))
        {
            return false;
        }

        return text[^1] is (byte)'Z' or (byte)'z' || (text[^6] is (byte)'+' or (byte)'-' && text[^3] == (byte)':');
    }

    private static int? ReadInt(ref Utf8JsonReader reader, int index, string field, bool required, bool nonNegative, SampleErrorList errors)
    {
        if (reader.TokenType == JsonTokenType.Null && !required)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var number))
        {
            errors.Add(index, field, reader.TokenType == JsonTokenType.Number
                ? $"must be a whole number within the 32-bit range, got {SampleErrorList.Quote(reader.ValueSpan)}"
                : $"must be an integer, not {Describe(reader.TokenType)}");
            reader.Skip();
            return null;
        }

        if (nonNegative && number < 0)
        {
            errors.Add(index, field, $"must not be negative, got {number}");
            return null;
        }

        return number;
    }

    private static double? ReadDouble(ref Utf8JsonReader reader, int index, string field, bool required, SampleErrorList errors)
    {
        if (reader.TokenType == JsonTokenType.Null && !required)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.Number)
        {
            var text = reader.TokenType == JsonTokenType.String ? TryGetString(ref reader) : null;
            var nonFinite = text is not null && (text.Contains("nan", StringComparison.OrdinalIgnoreCase) || text.Contains("inf", StringComparison.OrdinalIgnoreCase));
            errors.Add(index, field, nonFinite
                ? $"must be a finite number, got \"{SampleErrorList.Quote(text!)}\""
                : $"must be a number, not {Describe(reader.TokenType)}");
            reader.Skip();
            return null;
        }

        if (!reader.TryGetDouble(out var number) || !double.IsFinite(number))
        {
            errors.Add(index, field, $"must be a finite number, got {SampleErrorList.Quote(reader.ValueSpan)}");
            return null;
        }

        if (number < 0)
        {
            errors.Add(index, field, $"must not be negative, got {SampleErrorList.Quote(reader.ValueSpan)}");
            return null;
        }

        if (number > MaxRegister)
        {
            errors.Add(index, field, $"must be at most 1e9, got {SampleErrorList.Quote(reader.ValueSpan)}");
            return null;
        }

        return number;
    }

    /// <summary>The property's name for duplicate detection; names that are not valid text compare by their raw bytes.</summary>
    private static string PropertyName(ref Utf8JsonReader reader) => TryGetString(ref reader) ?? Convert.ToHexString(reader.ValueSpan);

    /// <summary>The string value, or null when it is not valid UTF-8 or escapes a lone surrogate (such as "\ud800").</summary>
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

    private static bool TryGetDateTimeOffset(ref Utf8JsonReader reader, out DateTimeOffset value)
    {
        try
        {
            return reader.TryGetDateTimeOffset(out value);
        }
        catch (InvalidOperationException)
        {
            value = default;
            return false;
        }
    }

    /// <summary>The bit of a known sample field, or -1 for a field this server does not know.</summary>
    private static int KnownField(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped)
        {
            // Unescaping compares can throw on a lone surrogate; an escaped name is rare enough to decode.
            return TryGetString(ref reader) is { } name ? Array.IndexOf(Fields, name) : -1;
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

/// <summary>The outcome of reading a batch: the valid samples, or the status and problem to answer.</summary>
internal sealed record IngestBatch(List<Sample>? Samples, int Status, string? Detail, IReadOnlyList<SampleError> Errors, int ErrorCount, bool StoppedEarly)
{
    /// <summary>Only timestamps ahead of the server clock are wrong: the samples are good, a clock is not.</summary>
    public bool IsClockSkew { get; private init; }

    public static IngestBatch Valid(List<Sample> samples) => new(samples, StatusCodes.Status200OK, null, [], 0, false);

    public static IngestBatch Structural(string detail, bool stoppedEarly = false) =>
        new(null, StatusCodes.Status422UnprocessableEntity, detail, [], 0, stoppedEarly);

    public static IngestBatch Invalid(string detail, SampleErrorList errors) =>
        new(null, StatusCodes.Status422UnprocessableEntity, detail, errors.Listed, errors.Count, false);

    public static IngestBatch ClockSkew(string detail, SampleErrorList errors) =>
        new(null, StatusCodes.Status422UnprocessableEntity, detail, errors.Listed, errors.Count, false) { IsClockSkew = true };

    public static IngestBatch Forbidden(string detail) => new(null, StatusCodes.Status403Forbidden, detail, [], 0, false);
}
