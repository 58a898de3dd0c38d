using System.Buffers;
using System.Text.Json;

namespace P1Telemetry.Server.Capacity;

/// <summary>
/// Writes <see cref="CapacityMonthResponse"/> with its <c>peaks</c> array taken as already written JSON (see
/// <see cref="QuarterPeaksJson"/>), byte for byte what the serializer would write for the whole record.
/// </summary>
public static class CapacityMonthJson
{
    public static byte[] Write(CapacityMonthResponse response, ReadOnlyMemory<byte> peaksJson)
    {
        ArgumentNullException.ThrowIfNull(response);
        var buffer = new ArrayBufferWriter<byte>(peaksJson.Length + 1024 + (response.Gaps.Count * 100));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("month", response.Month);
            writer.WriteString("device_id", response.DeviceId);
            writer.WriteString("timezone", response.TimeZone);
            writer.WriteString("from", response.From);
            writer.WriteString("to", response.To);
            writer.WriteBoolean("complete", response.Complete);
            writer.WritePropertyName("peaks");
            writer.WriteRawValue(peaksJson.Span, skipInputValidation: true);
            writer.WriteStartArray("gaps");
            foreach (var gap in response.Gaps)
            {
                writer.WriteStartObject();
                writer.WriteString("start", gap.Start);
                writer.WriteString("end", gap.End);
                writer.WriteNumber("quarters", gap.Quarters);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteNumber("gap_quarters", response.GapQuarters);
            WriteNumber(writer, "monthly_peak_w", response.MonthlyPeakW);
            WriteInstant(writer, "monthly_peak_ts", response.MonthlyPeakTs);
            WriteNumber(writer, "billed_peak_w", response.BilledPeakW);
            WriteNumber(writer, "rolling_12m_average_w", response.Rolling12mAverageW);
            WriteNumber(writer, "rolling_12m_months", response.Rolling12mMonths);
            WriteNumber(writer, "tariff_eur_per_kw_year", response.TariffEurPerKwYear);
            WriteNumber(writer, "vat_pct", response.VatPct);
            WriteNumber(writer, "cost_eur_excl_vat", response.CostEurExclVat);
            WriteNumber(writer, "cost_eur_incl_vat", response.CostEurInclVat);
            WriteNumber(writer, "monthly_power_peak_w", response.MonthlyPowerPeakW);
            WriteInstant(writer, "monthly_power_peak_ts", response.MonthlyPowerPeakTs);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteNumber(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static void WriteNumber(Utf8JsonWriter writer, string name, decimal? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static void WriteNumber(Utf8JsonWriter writer, string name, int? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static void WriteInstant(Utf8JsonWriter writer, string name, DateTimeOffset? value)
    {
        if (value is { } instant)
        {
            writer.WriteString(name, instant);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
