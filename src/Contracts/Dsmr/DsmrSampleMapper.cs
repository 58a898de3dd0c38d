using P1Telemetry.Contracts.Wire;

namespace P1Telemetry.Contracts.Dsmr;

/// <summary>Maps a parsed telegram to the wire <see cref="Sample"/> (import and export are the sums of both tariffs).</summary>
public static class DsmrSampleMapper
{
    /// <summary>Null with a reason when the telegram lacks a register every sample needs.</summary>
    /// <param name="telegram">The parsed telegram.</param>
    /// <param name="deviceId">The device id to stamp ("" when not known yet).</param>
    /// <param name="zone">The meter's time zone.</param>
    /// <param name="receivedAt">The receiving clock: the sample time of meters without a timestamp (DSMR 2.2/3),
    /// and the reference for a local time without S/W flag.</param>
    /// <param name="missing">The registers that were missing, when null is returned.</param>
    public static Sample? ToSample(DsmrTelegram telegram, string deviceId, TimeZoneInfo zone, DateTimeOffset receivedAt, out string? missing)
    {
        ArgumentNullException.ThrowIfNull(telegram);
        ArgumentNullException.ThrowIfNull(zone);
        var lacking = new List<string>();
        if (telegram.ImportT1Kwh is null && telegram.ImportT2Kwh is null)
        {
            lacking.Add("1-0:1.8.1/1.8.2");
        }

        if (telegram.ExportT1Kwh is null && telegram.ExportT2Kwh is null)
        {
            lacking.Add("1-0:2.8.1/2.8.2");
        }

        if (telegram.PowerImportKw is null)
        {
            lacking.Add("1-0:1.7.0");
        }

        if (lacking.Count > 0)
        {
            missing = string.Join(", ", lacking);
            return null;
        }

        missing = null;
        var ts = telegram.Timestamp is { } stamp
            ? stamp.ToUtc(zone, receivedAt)
            : new DateTimeOffset(receivedAt.UtcTicks - (receivedAt.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        var power = Watts(telegram.PowerImportKw!.Value - (telegram.PowerExportKw ?? 0));
        return new Sample
        {
            DeviceId = deviceId,
            Ts = ts,
            PowerW = power,
            ImportPowerW = Math.Max(power, 0),
            EnergyImportKwh = (double)((telegram.ImportT1Kwh ?? 0) + (telegram.ImportT2Kwh ?? 0)),
            EnergyExportKwh = (double)((telegram.ExportT1Kwh ?? 0) + (telegram.ExportT2Kwh ?? 0)),
            AveragePower15mW = telegram.QuarterAverageKw is { } quarter ? Watts(quarter) : null,
            MonthlyPowerPeakW = telegram.MonthPeakKw is { } peak ? Watts(peak) : null,
            MonthlyPowerPeakTs = telegram.MonthPeakAt?.ToUtc(zone, ts),
            PowerL1W = Phase(telegram.PowerL1ImportKw, telegram.PowerL1ExportKw),
            PowerL2W = Phase(telegram.PowerL2ImportKw, telegram.PowerL2ExportKw),
            PowerL3W = Phase(telegram.PowerL3ImportKw, telegram.PowerL3ExportKw),
            GasM3 = telegram.GasM3 is { } gas ? (double)gas : null,
            GasTs = telegram.GasM3 is null ? null : telegram.GasAt?.ToUtc(zone, ts),
        };
    }

    private static int? Phase(decimal? import, decimal? export) =>
        import is null && export is null ? null : Watts((import ?? 0) - (export ?? 0));

    private static int Watts(decimal kw) => (int)Math.Round(kw * 1000m, MidpointRounding.AwayFromZero);
}
