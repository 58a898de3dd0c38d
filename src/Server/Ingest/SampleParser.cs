using System.Text.Json;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.Server.Auth;

namespace P1Telemetry.Server.Ingest;

/// <summary>
/// Reads and validates one sample from the JSON DOM, recording every problem as (index, field, reason) so that
/// the client learns exactly which samples are bad and why.
/// </summary>
internal sealed class SampleParser(DateTimeOffset now, TimeSpan maxClockSkew)
{
    /// <summary>Nothing this old comes from a working meter; it is a clock that was never set.</summary>
    private static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly DateTimeOffset _latest = now + maxClockSkew;

    public Sample? Parse(JsonElement element, int index, List<SampleError> errors)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new SampleError(index, "", $"a sample must be a JSON object, not {Describe(element.ValueKind)}"));
            return null;
        }

        var before = errors.Count;
        string? deviceId = null;
        DateTimeOffset? ts = null, monthlyPeakTs = null, gasTs = null;
        int? power = null, importPower = null, average15m = null, monthlyPeak = null, l1 = null, l2 = null, l3 = null;
        double? energyImport = null, energyExport = null, gas = null;
        bool seenDevice = false, seenTs = false, seenPower = false, seenImportPower = false, seenImport = false, seenExport = false;

        foreach (var property in element.EnumerateObject())
        {
            var value = property.Value;
            if (property.NameEquals("device_id"u8))
            {
                seenDevice = true;
                deviceId = ReadDeviceId(value, index, errors);
            }
            else if (property.NameEquals("ts"u8))
            {
                seenTs = true;
                ts = ReadTimestamp(value, index, "ts", required: true, checkRange: true, errors);
            }
            else if (property.NameEquals("power_w"u8))
            {
                seenPower = true;
                power = ReadInt(value, index, "power_w", required: true, nonNegative: false, errors);
            }
            else if (property.NameEquals("import_power_w"u8))
            {
                seenImportPower = true;
                importPower = ReadInt(value, index, "import_power_w", required: true, nonNegative: true, errors);
            }
            else if (property.NameEquals("energy_import_kwh"u8))
            {
                seenImport = true;
                energyImport = ReadDouble(value, index, "energy_import_kwh", required: true, errors);
            }
            else if (property.NameEquals("energy_export_kwh"u8))
            {
                seenExport = true;
                energyExport = ReadDouble(value, index, "energy_export_kwh", required: true, errors);
            }
            else if (property.NameEquals("average_power_15m_w"u8))
            {
                average15m = ReadInt(value, index, "average_power_15m_w", required: false, nonNegative: true, errors);
            }
            else if (property.NameEquals("monthly_power_peak_w"u8))
            {
                monthlyPeak = ReadInt(value, index, "monthly_power_peak_w", required: false, nonNegative: true, errors);
            }
            else if (property.NameEquals("monthly_power_peak_ts"u8))
            {
                monthlyPeakTs = ReadTimestamp(value, index, "monthly_power_peak_ts", required: false, checkRange: false, errors);
            }
            else if (property.NameEquals("power_l1_w"u8))
            {
                l1 = ReadInt(value, index, "power_l1_w", required: false, nonNegative: false, errors);
            }
            else if (property.NameEquals("power_l2_w"u8))
            {
                l2 = ReadInt(value, index, "power_l2_w", required: false, nonNegative: false, errors);
            }
            else if (property.NameEquals("power_l3_w"u8))
            {
                l3 = ReadInt(value, index, "power_l3_w", required: false, nonNegative: false, errors);
            }
            else if (property.NameEquals("gas_m3"u8))
            {
                gas = ReadDouble(value, index, "gas_m3", required: false, errors);
            }
            else if (property.NameEquals("gas_ts"u8))
            {
                gasTs = ReadTimestamp(value, index, "gas_ts", required: false, checkRange: false, errors);
            }

            // Unknown fields are ignored so that newer edges can send more than this server knows.
        }

        RequirePresent(seenDevice, index, "device_id", errors);
        RequirePresent(seenTs, index, "ts", errors);
        RequirePresent(seenPower, index, "power_w", errors);
        RequirePresent(seenImportPower, index, "import_power_w", errors);
        RequirePresent(seenImport, index, "energy_import_kwh", errors);
        RequirePresent(seenExport, index, "energy_export_kwh", errors);

        if (power is { } p && importPower is { } ip && ip != Math.Max(p, 0))
        {
            errors.Add(new SampleError(index, "import_power_w", $"must equal max(power_w, 0) = {Math.Max(p, 0)}, got {ip}"));
        }

        if (errors.Count != before)
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

    private static void RequirePresent(bool seen, int index, string field, List<SampleError> errors)
    {
        if (!seen)
        {
            errors.Add(new SampleError(index, field, "is required"));
        }
    }

    private static string? ReadDeviceId(JsonElement value, int index, List<SampleError> errors)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add(new SampleError(index, "device_id", $"must be a string, not {Describe(value.ValueKind)}"));
            return null;
        }

        var deviceId = value.GetString()!;
        if (!DeviceIdFormat.IsValid(deviceId))
        {
            errors.Add(new SampleError(index, "device_id", $"must be {DeviceIdFormat.Description}"));
            return null;
        }

        return deviceId;
    }

    private DateTimeOffset? ReadTimestamp(JsonElement value, int index, string field, bool required, bool checkRange, List<SampleError> errors)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                errors.Add(new SampleError(index, field, "is required and must not be null"));
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add(new SampleError(index, field, $"must be an RFC 3339 timestamp string, not {Describe(value.ValueKind)}"));
            return null;
        }

        if (!HasExplicitOffset(value) || !value.TryGetDateTimeOffset(out var instant))
        {
            errors.Add(new SampleError(index, field, "must be an RFC 3339 timestamp with an offset, e.g. 2026-01-31T23:00:00Z"));
            return null;
        }

        instant = instant.ToUniversalTime();
        if (checkRange && instant < Earliest)
        {
            errors.Add(new SampleError(index, field, $"{instant:O} is before {Earliest:yyyy-MM-dd}: the clock was not set"));
            return null;
        }

        if (checkRange && instant > _latest)
        {
            errors.Add(new SampleError(index, field, $"{instant:O} is in the future (server time {_latest - maxClockSkew:O})"));
            return null;
        }

        return instant;
    }

    private static bool HasExplicitOffset(JsonElement value)
    {
        var text = value.GetString()!;
        if (text.Length < 20 || text[10] is not ('T' or 't'))
        {
            return false;
        }

        var last = text[^1];
        return last is 'Z' or 'z' || (text.Length >= 6 && text[^6] is '+' or '-' && text[^3] == ':');
    }

    private static int? ReadInt(JsonElement value, int index, string field, bool required, bool nonNegative, List<SampleError> errors)
    {
        if (value.ValueKind == JsonValueKind.Null && !required)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
        {
            errors.Add(new SampleError(index, field, value.ValueKind == JsonValueKind.Number
                ? $"must be a whole number within the 32-bit range, got {value.GetRawText()}"
                : $"must be an integer, not {Describe(value.ValueKind)}"));
            return null;
        }

        if (nonNegative && number < 0)
        {
            errors.Add(new SampleError(index, field, $"must not be negative, got {number}"));
            return null;
        }

        return number;
    }

    private static double? ReadDouble(JsonElement value, int index, string field, bool required, List<SampleError> errors)
    {
        if (value.ValueKind == JsonValueKind.Null && !required)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number)
        {
            var text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            var nonFinite = text is not null && (text.Contains("nan", StringComparison.OrdinalIgnoreCase) || text.Contains("inf", StringComparison.OrdinalIgnoreCase));
            errors.Add(new SampleError(index, field, nonFinite
                ? $"must be a finite number, got \"{text}\""
                : $"must be a number, not {Describe(value.ValueKind)}"));
            return null;
        }

        if (!value.TryGetDouble(out var number) || !double.IsFinite(number))
        {
            errors.Add(new SampleError(index, field, $"must be a finite number, got {value.GetRawText()}"));
            return null;
        }

        if (number < 0)
        {
            errors.Add(new SampleError(index, field, $"must not be negative (a cumulative register), got {value.GetRawText()}"));
            return null;
        }

        return number;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "missing",
    };
}
