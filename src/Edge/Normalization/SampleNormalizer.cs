using System.Text.Json;
using P1Telemetry.Contracts.Domain;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.Edge.Configuration;
using P1Telemetry.Edge.Meter;

namespace P1Telemetry.Edge.Normalization;

/// <summary>
/// Turns a raw v1 or v2 measurement into a <see cref="Sample"/>. Pure: the result
/// depends only on the arguments. Every field is optional on the wire; power and both energy registers are
/// required for a sample, and their absence is an <see cref="InvalidReadingException"/>.
/// </summary>
public static class SampleNormalizer
{
    private static readonly string[] _v1ImportTariffs = ["total_power_import_t1_kwh", "total_power_import_t2_kwh", "total_power_import_t3_kwh", "total_power_import_t4_kwh"];
    private static readonly string[] _v1ExportTariffs = ["total_power_export_t1_kwh", "total_power_export_t2_kwh", "total_power_export_t3_kwh", "total_power_export_t4_kwh"];
    private static readonly string[] _v2ImportTariffs = ["energy_import_t1_kwh", "energy_import_t2_kwh", "energy_import_t3_kwh", "energy_import_t4_kwh"];
    private static readonly string[] _v2ExportTariffs = ["energy_export_t1_kwh", "energy_export_t2_kwh", "energy_export_t3_kwh", "energy_export_t4_kwh"];

    /// <param name="reading">The measurement and the edge clock at receipt.</param>
    /// <param name="zone">The meter's time zone.</param>
    public static Sample Normalize(RawReading reading, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(reading);
        ArgumentNullException.ThrowIfNull(zone);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(reading.Json);
        }
        catch (JsonException ex)
        {
            throw new InvalidReadingException("the reading is not JSON: " + ex.Message, ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidReadingException($"the reading is a JSON {root.ValueKind}, not an object");
            }

            var sample = reading.Version == MeterApiVersion.V1
                ? FromV1(root, reading.ReceivedAt, zone)
                : FromV2(root, reading.ReceivedAt, zone);
            SampleLimits.ThrowIfImpossible(sample);
            return sample;
        }
    }

    private static Sample FromV1(JsonElement root, DateTimeOffset receivedAt, TimeZoneInfo zone)
    {
        var missing = new List<string>();
        var power = Number(root, "active_power_w");
        var import = Number(root, "total_power_import_kwh") ?? SumOf(root, _v1ImportTariffs);
        var export = Number(root, "total_power_export_kwh") ?? SumOf(root, _v1ExportTariffs);
        Require(power, "active_power_w", missing);
        Require(import, "total_power_import_kwh (or its tariffs)", missing);
        Require(export, "total_power_export_kwh (or its tariffs)", missing);
        ThrowIfMissing(missing);

        var ts = CompactTimestamp(root, "timestamp", zone, receivedAt) ?? Truncate(receivedAt);
        var (gas, gasTs) = Number(root, "total_gas_m3") is { } totalGas
            ? (totalGas, CompactTimestamp(root, "gas_timestamp", zone, ts))
            : V1ExternalGas(root, zone, ts);
        return Build(ts, power!.Value, import!.Value, export!.Value) with
        {
            AveragePower15mW = Watts(root, "active_power_average_w"),
            MonthlyPowerPeakW = Watts(root, "montly_power_peak_w") ?? Watts(root, "monthly_power_peak_w"),
            MonthlyPowerPeakTs = CompactTimestamp(root, "montly_power_peak_timestamp", zone, ts) ?? CompactTimestamp(root, "monthly_power_peak_timestamp", zone, ts),
            PowerL1W = Watts(root, "active_power_l1_w"),
            PowerL2W = Watts(root, "active_power_l2_w"),
            PowerL3W = Watts(root, "active_power_l3_w"),
            GasM3 = gas,
            GasTs = gasTs,
        };
    }

    private static Sample FromV2(JsonElement root, DateTimeOffset receivedAt, TimeZoneInfo zone)
    {
        var missing = new List<string>();
        var power = Number(root, "power_w");
        var import = Number(root, "energy_import_kwh") ?? SumOf(root, _v2ImportTariffs);
        var export = Number(root, "energy_export_kwh") ?? SumOf(root, _v2ExportTariffs);
        Require(power, "power_w", missing);
        Require(import, "energy_import_kwh (or its tariffs)", missing);
        Require(export, "energy_export_kwh (or its tariffs)", missing);
        ThrowIfMissing(missing);

        var ts = IsoTimestamp(root, "timestamp", zone, receivedAt, required: true) ?? Truncate(receivedAt);
        var (gas, gasTs) = V2ExternalGas(root, zone, ts);
        return Build(ts, power!.Value, import!.Value, export!.Value) with
        {
            AveragePower15mW = Watts(root, "average_power_15m_w"),
            MonthlyPowerPeakW = Watts(root, "monthly_power_peak_w"),
            MonthlyPowerPeakTs = IsoTimestamp(root, "monthly_power_peak_timestamp", zone, ts, required: false),
            PowerL1W = Watts(root, "power_l1_w"),
            PowerL2W = Watts(root, "power_l2_w"),
            PowerL3W = Watts(root, "power_l3_w"),
            GasM3 = gas,
            GasTs = gasTs,
        };
    }

    private static Sample Build(DateTimeOffset ts, double power, double import, double export)
    {
        if (import < 0 || export < 0)
        {
            throw new InvalidReadingException($"an energy register is negative (import {import} kWh, export {export} kWh)");
        }

        var powerW = ToInt(power, "power");
        return new Sample
        {
            // The uploader adds the device id (DeviceIdentity): the spool does not keep one.
            DeviceId = "",
            Ts = ts,
            PowerW = powerW,
            ImportPowerW = Math.Max(powerW, 0),
            EnergyImportKwh = import,
            EnergyExportKwh = export,
        };
    }

    private static (double? Gas, DateTimeOffset? Ts) V1ExternalGas(JsonElement root, TimeZoneInfo zone, DateTimeOffset reference)
    {
        var gas = ExternalGas(root);
        return gas is { } entry ? (Number(entry, "value"), CompactTimestamp(entry, "timestamp", zone, reference)) : (null, null);
    }

    private static (double? Gas, DateTimeOffset? Ts) V2ExternalGas(JsonElement root, TimeZoneInfo zone, DateTimeOffset reference)
    {
        var gas = ExternalGas(root);
        return gas is { } entry ? (Number(entry, "value"), IsoTimestamp(entry, "timestamp", zone, reference, required: false)) : (null, null);
    }

    private static JsonElement? ExternalGas(JsonElement root)
    {
        if (!root.TryGetProperty("external", out var external) || external.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var entry in external.EnumerateArray())
        {
            if (entry.ValueKind == JsonValueKind.Object &&
                entry.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.ValueEquals("gas_meter") &&
                Number(entry, "value") is not null)
            {
                return entry;
            }
        }

        return null;
    }

    /// <summary>A number, accepting floats for integer fields; null when absent or JSON null.</summary>
    private static double? Number(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || !double.IsFinite(number))
        {
            throw new InvalidReadingException($"'{name}' is {value.ValueKind} '{value.GetRawText()}', not a number");
        }

        return number;
    }

    private static double? SumOf(JsonElement element, string[] names)
    {
        double? sum = null;
        foreach (var name in names)
        {
            if (Number(element, name) is { } value)
            {
                sum = (sum ?? 0) + value;
            }
        }

        // Tariff registers carry 3 decimals; the sum should too, not a binary-fraction tail.
        return sum is { } total ? Math.Round(total, 6) : null;
    }

    private static int? Watts(JsonElement element, string name) =>
        Number(element, name) is { } value ? ToInt(value, name) : null;

    private static int ToInt(double value, string name)
    {
        var rounded = Math.Round(value, MidpointRounding.AwayFromZero);
        if (rounded is < int.MinValue or > int.MaxValue)
        {
            throw new InvalidReadingException($"'{name}' = {value} is out of range");
        }

        return (int)rounded;
    }

    private static DateTimeOffset? IsoTimestamp(JsonElement element, string name, TimeZoneInfo zone, DateTimeOffset reference, bool required)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String && MeterLocalTime.TryParseIso(value.GetString(), out var local))
        {
            return MeterLocalTime.ToUtc(local, zone, reference);
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var compact) && MeterLocalTime.TryParseCompact(compact, out local))
        {
            return MeterLocalTime.ToUtc(local, zone, reference);
        }

        return required ? throw new InvalidReadingException($"'{name}' = {value.GetRawText()} is not a local timestamp") : null;
    }

    private static DateTimeOffset? CompactTimestamp(JsonElement element, string name, TimeZoneInfo zone, DateTimeOffset reference) =>
        IsoTimestamp(element, name, zone, reference, required: false);

    private static DateTimeOffset Truncate(DateTimeOffset instant) =>
        new(instant.UtcTicks - (instant.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);

    private static void Require(double? value, string name, List<string> missing)
    {
        if (value is null)
        {
            missing.Add(name);
        }
    }

    private static void ThrowIfMissing(List<string> missing)
    {
        if (missing.Count > 0)
        {
            throw new InvalidReadingException("the reading lacks " + string.Join(", ", missing));
        }
    }
}
