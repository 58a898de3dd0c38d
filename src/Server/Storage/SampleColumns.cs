using System.Data.Common;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.Server.Storage.Columns;
using static P1Telemetry.Server.Storage.Columns.ColumnTypes;

namespace P1Telemetry.Server.Storage;

/// <summary>
/// The columns of <c>samples</c>, the one list that every dialect's INSERT, SELECT, parameters and row reader
/// follow. A new sample field is a line here, one in <see cref="Read"/> and a migration per dialect.
/// </summary>
internal static class SampleColumns
{
    // Declared first: the columns below number themselves in this list as they are initialized.
    public static readonly ColumnList<Sample> All = new();

    public static readonly Column<Sample, string> DeviceId = All.Add("device_id", Text, s => s.DeviceId);
    public static readonly Column<Sample, DateTimeOffset> Ts = All.Add("ts", Instant, s => s.Ts);
    public static readonly Column<Sample, int> PowerW = All.Add("power_w", Integer, s => s.PowerW);
    public static readonly Column<Sample, int> ImportPowerW = All.Add("import_power_w", Integer, s => s.ImportPowerW);
    public static readonly Column<Sample, double> EnergyImportKwh = All.Add("energy_import_kwh", DoublePrecision, s => s.EnergyImportKwh);
    public static readonly Column<Sample, double> EnergyExportKwh = All.Add("energy_export_kwh", DoublePrecision, s => s.EnergyExportKwh);
    public static readonly Column<Sample, int?> AveragePower15mW = All.Add("average_power_15m_w", NullableInteger, s => s.AveragePower15mW);
    public static readonly Column<Sample, int?> MonthlyPowerPeakW = All.Add("monthly_power_peak_w", NullableInteger, s => s.MonthlyPowerPeakW);
    public static readonly Column<Sample, DateTimeOffset?> MonthlyPowerPeakTs = All.Add("monthly_power_peak_ts", NullableInstant, s => s.MonthlyPowerPeakTs);
    public static readonly Column<Sample, int?> PowerL1W = All.Add("power_l1_w", NullableInteger, s => s.PowerL1W);
    public static readonly Column<Sample, int?> PowerL2W = All.Add("power_l2_w", NullableInteger, s => s.PowerL2W);
    public static readonly Column<Sample, int?> PowerL3W = All.Add("power_l3_w", NullableInteger, s => s.PowerL3W);
    public static readonly Column<Sample, double?> GasM3 = All.Add("gas_m3", NullableDouble, s => s.GasM3);
    public static readonly Column<Sample, DateTimeOffset?> GasTs = All.Add("gas_ts", NullableInstant, s => s.GasTs);

    /// <summary>One sample from a row that selected <see cref="ColumnList{TRow}.Names"/> of <see cref="All"/>.</summary>
    public static Sample Read(DbDataReader reader, StorageDialect dialect) => new()
    {
        DeviceId = DeviceId.Read(reader, dialect),
        Ts = Ts.Read(reader, dialect),
        PowerW = PowerW.Read(reader, dialect),
        ImportPowerW = ImportPowerW.Read(reader, dialect),
        EnergyImportKwh = EnergyImportKwh.Read(reader, dialect),
        EnergyExportKwh = EnergyExportKwh.Read(reader, dialect),
        AveragePower15mW = AveragePower15mW.Read(reader, dialect),
        MonthlyPowerPeakW = MonthlyPowerPeakW.Read(reader, dialect),
        MonthlyPowerPeakTs = MonthlyPowerPeakTs.Read(reader, dialect),
        PowerL1W = PowerL1W.Read(reader, dialect),
        PowerL2W = PowerL2W.Read(reader, dialect),
        PowerL3W = PowerL3W.Read(reader, dialect),
        GasM3 = GasM3.Read(reader, dialect),
        GasTs = GasTs.Read(reader, dialect),
    };
}
