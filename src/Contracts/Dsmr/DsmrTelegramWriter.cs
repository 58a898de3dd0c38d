using System.Globalization;
using System.Text;

namespace P1Telemetry.Contracts.Dsmr;

/// <summary>
/// Writes a telegram the way an e-MUCS / DSMR 5 meter does: CR LF line ends, fixed-width registers, <c>!</c> and
/// the CRC16. The inverse of <see cref="DsmrParser"/> for the registers it knows.
/// </summary>
public static class DsmrTelegramWriter
{
    public static string Write(DsmrTelegram telegram)
    {
        var body = WriteBody(telegram);
        return body + DsmrCrc16.Compute(Encoding.Latin1.GetBytes(body)).ToString("X4", CultureInfo.InvariantCulture) + "\r\n";
    }

    /// <summary>From <c>/</c> through <c>!</c>, without the CRC.</summary>
    public static string WriteBody(DsmrTelegram telegram)
    {
        ArgumentNullException.ThrowIfNull(telegram);
        var s = new StringBuilder(1100);
        s.Append('/').Append(telegram.Header).Append("\r\n\r\n");
        Line(s, "1-3:0.2.8", telegram.DsmrVersion);
        Line(s, "0-0:96.1.4", telegram.BelgianVersion);
        Line(s, "0-0:96.1.1", telegram.EquipmentId);
        Line(s, "0-0:1.0.0", telegram.Timestamp?.ToString());
        Register(s, "1-0:1.8.1", telegram.ImportT1Kwh, "000000.000", "kWh");
        Register(s, "1-0:1.8.2", telegram.ImportT2Kwh, "000000.000", "kWh");
        Register(s, "1-0:2.8.1", telegram.ExportT1Kwh, "000000.000", "kWh");
        Register(s, "1-0:2.8.2", telegram.ExportT2Kwh, "000000.000", "kWh");
        Line(s, "0-0:96.14.0", telegram.Tariff?.ToString("D4", CultureInfo.InvariantCulture));
        Register(s, "1-0:1.4.0", telegram.QuarterAverageKw, "00.000", "kW");
        if (telegram.MonthPeakKw is { } peak && telegram.MonthPeakAt is { } peakAt)
        {
            s.Append("1-0:1.6.0(").Append(peakAt.ToString()).Append(")(").Append(Number(peak, "00.000")).Append("*kW)\r\n");
        }

        if (telegram.PeakHistory is { } history)
        {
            s.Append("0-0:98.1.0(").Append(history.Count.ToString(CultureInfo.InvariantCulture)).Append(")(1-0:1.6.0)(1-0:1.6.0)");
            foreach (var entry in history)
            {
                s.Append('(').Append(entry.MonthStart.ToString()).Append(")(")
                    .Append(entry.PeakAt is { } at ? at.ToString() : "632525252525W").Append(")(")
                    .Append(Number(entry.PeakKw, "00.000")).Append("*kW)");
            }

            s.Append("\r\n");
        }

        Register(s, "1-0:1.7.0", telegram.PowerImportKw, "00.000", "kW");
        Register(s, "1-0:2.7.0", telegram.PowerExportKw, "00.000", "kW");
        Register(s, "1-0:21.7.0", telegram.PowerL1ImportKw, "00.000", "kW");
        Register(s, "1-0:41.7.0", telegram.PowerL2ImportKw, "00.000", "kW");
        Register(s, "1-0:61.7.0", telegram.PowerL3ImportKw, "00.000", "kW");
        Register(s, "1-0:22.7.0", telegram.PowerL1ExportKw, "00.000", "kW");
        Register(s, "1-0:42.7.0", telegram.PowerL2ExportKw, "00.000", "kW");
        Register(s, "1-0:62.7.0", telegram.PowerL3ExportKw, "00.000", "kW");
        if (telegram.GasM3 is { } gas)
        {
            var channel = telegram.GasChannel.ToString(CultureInfo.InvariantCulture);
            s.Append("0-").Append(channel).Append(":24.1.0(003)\r\n");
            s.Append("0-").Append(channel).Append(":24.2.3(").Append(telegram.GasAt?.ToString() ?? "").Append(")(")
                .Append(Number(gas, "00000.000")).Append("*m3)\r\n");
        }

        s.Append('!');
        return s.ToString();
    }

    private static void Line(StringBuilder s, string code, string? value)
    {
        if (value is not null)
        {
            s.Append(code).Append('(').Append(value).Append(")\r\n");
        }
    }

    private static void Register(StringBuilder s, string code, decimal? value, string format, string unit)
    {
        if (value is { } v)
        {
            s.Append(code).Append('(').Append(Number(v, format)).Append('*').Append(unit).Append(")\r\n");
        }
    }

    private static string Number(decimal value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
