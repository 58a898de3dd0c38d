using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace P1Telemetry.Server.Capacity;

/// <summary>
/// Writes <see cref="CapacityMonthResponse"/> with its <c>peaks</c> array taken as already written JSON (see
/// <see cref="QuarterPeaksJson"/>), byte for byte what the serializer would write for the whole record.
/// </summary>
public static class CapacityMonthJson
{
    private static readonly Action<Utf8JsonWriter, string, double> Number = static (w, n, v) => w.WriteNumber(n, v);
    private static readonly Action<Utf8JsonWriter, string, decimal> Amount = static (w, n, v) => w.WriteNumber(n, v);
    private static readonly Action<Utf8JsonWriter, string, int> Integer = static (w, n, v) => w.WriteNumber(n, v);
    private static readonly Action<Utf8JsonWriter, string, DateTimeOffset> Instant = static (w, n, v) => w.WriteString(n, v);

    public static byte[] Write(CapacityMonthResponse response, ReadOnlyMemory<byte> peaksJson)
    {
        ArgumentNullException.ThrowIfNull(response);
        var buffer = new ArrayBufferWriter<byte>(peaksJson.Length + 2048 + (response.Gaps.Count * 100) + (response.DailyPeaks.Count * 100));
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
            WriteOrNull(writer, "monthly_peak_w", response.MonthlyPeakW, Number);
            WriteOrNull(writer, "monthly_peak_ts", response.MonthlyPeakTs, Instant);
            WriteOrNull(writer, "billed_peak_w", response.BilledPeakW, Number);
            WriteOrNull(writer, "rolling_12m_average_w", response.Rolling12mAverageW, Number);
            WriteOrNull(writer, "rolling_12m_months", response.Rolling12mMonths, Integer);
            WriteOrNull(writer, "tariff_eur_per_kw_year", response.TariffEurPerKwYear, Amount);
            WriteOrNull(writer, "vat_pct", response.VatPct, Amount);
            WriteOrNull(writer, "cost_eur_excl_vat", response.CostEurExclVat, Amount);
            WriteOrNull(writer, "cost_eur_incl_vat", response.CostEurInclVat, Amount);
            WriteOrNull(writer, "monthly_power_peak_w", response.MonthlyPowerPeakW, Integer);
            WriteOrNull(writer, "monthly_power_peak_ts", response.MonthlyPowerPeakTs, Instant);
            WriteOrNull(writer, "meter_peak_w", response.MeterPeakW, Integer);
            WriteOrNull(writer, "meter_peak_ts", response.MeterPeakTs, Instant);
            writer.WriteStartArray("rolling_12m_window");
            foreach (var month in response.Rolling12mWindow)
            {
                writer.WriteStartObject();
                writer.WriteString("month", month.Month);
                writer.WriteNumber("billed_peak_w", month.BilledPeakW);
                writer.WriteString("source", month.Source);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("top_quarters");
            foreach (var quarter in response.TopQuarters)
            {
                writer.WriteStartObject();
                writer.WriteString("start", quarter.Start);
                writer.WriteString("end", quarter.End);
                writer.WriteNumber("average_power_w", quarter.AveragePowerW);
                writer.WriteNumber("samples", quarter.Samples);
                writer.WriteNumber("mean_import_power_w", quarter.MeanImportPowerW);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("daily_peaks");
            foreach (var day in response.DailyPeaks)
            {
                writer.WriteStartObject();
                writer.WriteString("date", day.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                WriteOrNull(writer, "peak_w", day.PeakW, Number);
                WriteOrNull(writer, "peak_ts", day.PeakTs, Instant);
                writer.WriteNumber("gap_quarters", day.GapQuarters);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteOrNull<T>(Utf8JsonWriter writer, string name, T? value, Action<Utf8JsonWriter, string, T> write)
        where T : struct
    {
        if (value is { } present)
        {
            write(writer, name, present);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
