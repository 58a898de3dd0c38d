using System.Globalization;
using System.Text;
using P1Telemetry.Contracts.Wire;

namespace P1Telemetry.Edge.Tests.Infrastructure;

/// <summary>Samples and history files with predictable values: second n of <see cref="T0"/>.</summary>
public static class TestSamples
{
    public static readonly DateTimeOffset T0 = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    public static Sample SampleAt(int second, int power = 100) => new()
    {
        DeviceId = "",
        Ts = T0.AddSeconds(second),
        PowerW = power,
        ImportPowerW = Math.Max(power, 0),
        EnergyImportKwh = 1000 + second / 3600.0,
        EnergyExportKwh = 5,
    };

    /// <summary>The meter simulator's history CSV format (header fixed by contract).</summary>
    public static void WriteHistoryCsv(string path, int rows)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        writer.WriteLine("ts_utc,meter_timestamp,power_w,power_l1_w,power_l2_w,power_l3_w,energy_import_kwh,energy_export_kwh,average_power_15m_w,monthly_power_peak_w,monthly_power_peak_ts_utc,gas_m3,gas_ts_utc");
        for (var i = 0; i < rows; i++)
        {
            var ts = T0.AddSeconds(i);
            var local = ts.ToOffset(TimeSpan.FromHours(2));
            writer.Write(ts.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.Write(local.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture));
            writer.Write(string.Create(CultureInfo.InvariantCulture, $",{100 + (i % 50)},100,,,{1000 + i / 3600.0:0.000},5.000,120,2500,2026-05-03T17:15:00Z,,\n"));
        }
    }

}
