using System.Data.Common;
using P1Telemetry.Server.Storage.Columns;
using static P1Telemetry.Server.Storage.Columns.ColumnTypes;

namespace P1Telemetry.Server.Storage;

/// <summary>
/// The columns of <c>quarter_hours</c> with the rule by which two partial sums of one slot combine: the one list
/// that the upserts, the SELECT and the row reader of every dialect follow.
/// </summary>
internal static class QuarterHourColumns
{
    // Declared first: the columns below number themselves in this list as they are initialized.
    public static readonly ColumnList<QuarterHourRow> All = new();

    public static readonly Column<QuarterHourRow, string> DeviceId = All.Add("device_id", Text, r => r.DeviceId);
    public static readonly Column<QuarterHourRow, DateTimeOffset> Start = All.Add("start", Instant, r => r.Start);
    public static readonly Column<QuarterHourRow, long> SampleCount = All.Add("sample_count", BigInt, r => r.SampleCount, MergeRule.Sum);
    public static readonly Column<QuarterHourRow, long> ImportPowerSumW = All.Add("import_power_sum_w", BigInt, r => r.ImportPowerSumW, MergeRule.Sum);
    public static readonly Column<QuarterHourRow, int> ImportPowerMaxW = All.Add("import_power_max_w", Integer, r => r.ImportPowerMaxW, MergeRule.Max);
    public static readonly Column<QuarterHourRow, long> PowerSumW = All.Add("power_sum_w", BigInt, r => r.PowerSumW, MergeRule.Sum);
    public static readonly Column<QuarterHourRow, int> PowerMinW = All.Add("power_min_w", Integer, r => r.PowerMinW, MergeRule.Min);
    public static readonly Column<QuarterHourRow, int> PowerMaxW = All.Add("power_max_w", Integer, r => r.PowerMaxW, MergeRule.Max);
    public static readonly Column<QuarterHourRow, DateTimeOffset> FirstTs = All.Add("first_ts", Instant, r => r.FirstTs, MergeRule.Min);
    public static readonly Column<QuarterHourRow, double> FirstImportKwh = All.Add("first_import_kwh", DoublePrecision, r => r.FirstImportKwh, MergeRule.FirstBy(FirstTs.Name));
    public static readonly Column<QuarterHourRow, double> FirstExportKwh = All.Add("first_export_kwh", DoublePrecision, r => r.FirstExportKwh, MergeRule.FirstBy(FirstTs.Name));
    public static readonly Column<QuarterHourRow, DateTimeOffset> LastTs = All.Add("last_ts", Instant, r => r.LastTs, MergeRule.Max);
    public static readonly Column<QuarterHourRow, double> LastImportKwh = All.Add("last_import_kwh", DoublePrecision, r => r.LastImportKwh, MergeRule.LastBy(LastTs.Name));
    public static readonly Column<QuarterHourRow, double> LastExportKwh = All.Add("last_export_kwh", DoublePrecision, r => r.LastExportKwh, MergeRule.LastBy(LastTs.Name));

    /// <summary>One row from a row that selected <see cref="ColumnList{TRow}.Names"/> of <see cref="All"/>.</summary>
    public static QuarterHourRow Read(DbDataReader reader, StorageDialect dialect) => new(
        DeviceId.Read(reader, dialect),
        Start.Read(reader, dialect),
        SampleCount.Read(reader, dialect),
        ImportPowerSumW.Read(reader, dialect),
        ImportPowerMaxW.Read(reader, dialect),
        PowerSumW.Read(reader, dialect),
        PowerMinW.Read(reader, dialect),
        PowerMaxW.Read(reader, dialect),
        FirstTs.Read(reader, dialect),
        FirstImportKwh.Read(reader, dialect),
        FirstExportKwh.Read(reader, dialect),
        LastTs.Read(reader, dialect),
        LastImportKwh.Read(reader, dialect),
        LastExportKwh.Read(reader, dialect));
}
