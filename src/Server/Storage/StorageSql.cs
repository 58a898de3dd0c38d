using P1Telemetry.Server.Storage.Columns;

namespace P1Telemetry.Server.Storage;

/// <summary>
/// The statements of the sample stores, written once from <see cref="SampleColumns"/> and
/// <see cref="QuarterHourColumns"/>; a dialect only chooses its parameters, its row source and its min/max.
/// </summary>
internal sealed class StorageSql
{
    public static readonly StorageSql Postgres = new(
        StorageDialect.Postgres, device: "$1", from: "$2", to: "$3",
        sampleRows: $"SELECT * FROM unnest({SampleColumns.All.UnnestArguments})",
        quarterHourRows: $"SELECT * FROM unnest({QuarterHourColumns.All.UnnestArguments})",
        insertedKeys: "RETURNING device_id, ts");

    public static readonly StorageSql Sqlite = new(
        StorageDialect.Sqlite, device: "$device_id", from: "$from", to: "$to",
        sampleRows: $"VALUES ({SampleColumns.All.SqliteParameters})",
        quarterHourRows: $"VALUES ({QuarterHourColumns.All.SqliteParameters})",
        insertedKeys: "");

    private StorageSql(StorageDialect dialect, string device, string from, string to, string sampleRows, string quarterHourRows, string insertedKeys)
    {
        Dialect = dialect;
        InsertSamples = $"""
            INSERT INTO samples ({SampleColumns.All.Names})
            {sampleRows}
            ON CONFLICT (device_id, ts) DO NOTHING
            {insertedKeys}
            """;

        // Adds counts and sums and widens min/max/first/last, so concurrent appends to the same slot compose
        // exactly: the conflicting row is locked and the update applies to its latest committed version.
        UpsertQuarterHours = $"""
            INSERT INTO quarter_hours AS q ({QuarterHourColumns.All.Names})
            {quarterHourRows}
            ON CONFLICT (device_id, start) DO UPDATE SET
            {QuarterHourColumns.All.MergeAssignments("q", dialect)}
            """;

        LatestSample = $"""
            SELECT {SampleColumns.All.Names}
            FROM samples
            WHERE device_id = {device}
            ORDER BY ts DESC
            LIMIT 1
            """;

        SamplesInRange = $"""
            SELECT {SampleColumns.All.Names}
            FROM samples
            WHERE device_id = {device} AND ts >= {from} AND ts < {to}
            ORDER BY ts
            """;

        QuarterHoursInRange = $"""
            SELECT {QuarterHourColumns.All.Names}
            FROM quarter_hours
            WHERE device_id = {device} AND start >= {from} AND start < {to}
            ORDER BY start
            """;
    }

    public StorageDialect Dialect { get; }

    /// <summary><c>INSERT ... ON CONFLICT DO NOTHING</c> of one sample (SQLite) or of arrays (PostgreSQL, returning the new keys).</summary>
    public string InsertSamples { get; }

    public string UpsertQuarterHours { get; }

    /// <summary>Parameters: device.</summary>
    public string LatestSample { get; }

    /// <summary>Parameters: device, from (inclusive), to (exclusive).</summary>
    public string SamplesInRange { get; }

    /// <summary>Parameters: device, from (inclusive), to (exclusive), on the slot start.</summary>
    public string QuarterHoursInRange { get; }
}
