using System.Globalization;
using P1Telemetry.MeterSimulator.Meter;

namespace P1Telemetry.MeterSimulator.Cli;

/// <summary>Streams the meter's telegrams for a span as CSV, one row per telegram, in constant memory.</summary>
internal static class HistoryCsvWriter
{
    public const string Header =
        "ts_utc,meter_timestamp,power_w,power_l1_w,power_l2_w,power_l3_w,energy_import_kwh,energy_export_kwh,average_power_15m_w,monthly_power_peak_w,monthly_power_peak_ts_utc,gas_m3,gas_ts_utc";

    public static async Task<long> WriteAsync(TextWriter writer, HistoryRequest request, CancellationToken cancellationToken)
    {
        var interval = TimeSpan.FromSeconds(request.IntervalSeconds);
        var end = request.EndUtc;

        // The history ends where a meter started at its end begins, so live readings continue it without the
        // registers stepping back: a first pass measures what the span adds, the second writes it from there.
        var probe = new TelegramGenerator(request.Seed, request.StartUtc, interval, request.TimeZone);
        var before = probe.Registers;
        while (probe.NextInstant < end)
        {
            cancellationToken.ThrowIfCancellationRequested();
            probe.Next();
        }

        var added = probe.Registers - before;
        var atStart = TelegramGenerator.AnchoredRegisters(request.Seed, request.TimeZone, end) - added;
        var generator = new TelegramGenerator(request.Seed, request.StartUtc, interval, request.TimeZone, atStart);

        await writer.WriteLineAsync(Header.AsMemory(), cancellationToken);
        var rows = 0L;
        while (generator.NextInstant < end)
        {
            await writer.WriteLineAsync(FormatRow(generator.Next()).AsMemory(), cancellationToken);
            rows++;
        }

        await writer.FlushAsync(cancellationToken);
        return rows;
    }

    public static string FormatRow(Telegram t) => string.Create(CultureInfo.InvariantCulture,
        $"{Utc(t.TsUtc)},{MeterTimeFormat.ToIso(t.MeterTimestamp)},{t.PowerW},{t.PowerL1W},{t.PowerL2W},{t.PowerL3W},{t.EnergyImportKwh:0.000},{t.EnergyExportKwh:0.000},{t.AveragePower15mW},{t.MonthlyPowerPeakW},{Utc(t.MonthlyPowerPeakTsUtc)},{t.GasM3:0.000},{Utc(t.GasTsUtc)}");

    private static string Utc(DateTimeOffset? instant) =>
        instant is { } value ? value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "";
}
