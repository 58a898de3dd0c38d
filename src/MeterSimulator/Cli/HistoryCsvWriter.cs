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

        // The history ends where a meter started at its end begins: its telegram at the end instant (not written)
        // would show exactly the registers that a live meter started there shows first, whatever the interval of
        // either, because both book the same energy second by second.
        var first = TelegramGenerator.AlignToInterval(request.StartUtc, interval);
        var profile = new HouseholdProfile(request.Seed, request.TimeZone);
        var added = default(EnergyBooking);
        for (var from = first; from < end; from = from.AddDays(1))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var to = from.AddDays(1) < end ? from.AddDays(1) : end;
            added += EnergyBooking.Over(profile, from, to, out _);
        }

        var atStart = TelegramGenerator.AnchoredRegisters(request.Seed, request.TimeZone, end) - added.AsRegisters();
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
