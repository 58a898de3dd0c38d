using P1Telemetry.Contracts.Dsmr;

namespace P1Telemetry.MeterSimulator.Meter;

/// <summary>How a raw telegram left the simulated meter.</summary>
public enum TelegramDelivery
{
    Intact,
    BadCrc,
    Truncated,
}

/// <summary>A raw P1 telegram as the simulated meter sent it, next to the reading it encodes.</summary>
public sealed record RawTelegram(Telegram Reading, string Text, TelegramDelivery Delivery, DsmrTimestamp MeterClock);

/// <summary>
/// Writes a reading as the e-MUCS telegram a Belgian meter sends on its P1 port, consistent with the JSON the
/// API serves for it: the same registers, the 1-0:1.4.0/1.6.0 figures and the 0-0:98.1.0 history.
/// </summary>
public static class P1TelegramText
{
    public const string Header = "FLU5\\253769484_A";
    public const string BelgianVersion = "50217";

    public static DsmrTelegram ToDsmr(Telegram t, string equipmentId, TimeZoneInfo zone, bool belgianFields,
        IReadOnlyList<DsmrMonthPeak> history, DsmrTimestamp? meterClock = null)
    {
        ArgumentNullException.ThrowIfNull(t);
        return new DsmrTelegram
        {
            Header = Header,
            BelgianVersion = BelgianVersion,
            EquipmentId = equipmentId,
            Timestamp = meterClock ?? DsmrTimestamp.FromUtc(t.TsUtc, zone),
            Tariff = t.Tariff,
            ImportT1Kwh = t.ImportT1Wh / 1000m,
            ImportT2Kwh = t.ImportT2Wh / 1000m,
            ExportT1Kwh = t.ExportT1Wh / 1000m,
            ExportT2Kwh = t.ExportT2Wh / 1000m,
            PowerImportKw = Math.Max(t.PowerW, 0) / 1000m,
            PowerExportKw = Math.Max(-t.PowerW, 0) / 1000m,
            PowerL1ImportKw = Math.Max(t.PowerL1W, 0) / 1000m,
            PowerL2ImportKw = Math.Max(t.PowerL2W, 0) / 1000m,
            PowerL3ImportKw = Math.Max(t.PowerL3W, 0) / 1000m,
            PowerL1ExportKw = Math.Max(-t.PowerL1W, 0) / 1000m,
            PowerL2ExportKw = Math.Max(-t.PowerL2W, 0) / 1000m,
            PowerL3ExportKw = Math.Max(-t.PowerL3W, 0) / 1000m,
            QuarterAverageKw = belgianFields ? t.AveragePower15mW / 1000m : null,
            MonthPeakKw = belgianFields && t.MonthlyPowerPeakW is { } peak ? peak / 1000m : null,
            MonthPeakAt = belgianFields && t.MonthlyPowerPeakTsUtc is { } peakAt ? DsmrTimestamp.FromUtc(peakAt, zone) : null,
            PeakHistory = belgianFields ? history : null,
            GasM3 = t.GasLitres / 1000m,
            GasAt = DsmrTimestamp.FromUtc(t.GasTsUtc, zone),
        };
    }

    /// <summary>The text as sent: intact, with a CRC off by one, or cut off in the middle.</summary>
    public static string Render(DsmrTelegram telegram, TelegramDelivery delivery)
    {
        var text = DsmrTelegramWriter.Write(telegram);
        switch (delivery)
        {
            case TelegramDelivery.BadCrc:
                var bang = text.LastIndexOf('!');
                var crc = Convert.ToUInt16(text.Substring(bang + 1, 4), 16);
                return string.Concat(text.AsSpan(0, bang + 1), ((ushort)(crc ^ 0x0101)).ToString("X4", System.Globalization.CultureInfo.InvariantCulture), "\r\n");
            case TelegramDelivery.Truncated:
                return text[..(text.Length / 2)];
            default:
                return text;
        }
    }
}
