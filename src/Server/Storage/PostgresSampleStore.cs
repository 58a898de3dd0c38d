using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;
using P1Telemetry.Contracts.Wire;

namespace P1Telemetry.Server.Storage;

/// <summary>
/// PostgreSQL (optionally TimescaleDB) storage. In one transaction, <c>INSERT ... ON CONFLICT DO NOTHING
/// RETURNING ts</c> stores the raw rows and names those that were new, and exactly those are folded into
/// <c>quarter_hours</c> by an additive upsert, so the rollup is never stale and is exact under retries,
/// duplicates, out-of-order batches and concurrent ingests of the same device.
/// </summary>
public sealed class PostgresSampleStore(NpgsqlDataSource dataSource) : ISampleStore, IAsyncDisposable
{
    // Large enough that a backlog batch (5,000 samples) groups with the small live batches around it, small
    // enough that one group's statements stay well under a second.
    private const int MaxGroupSamples = 20_000;

    private readonly PostgresGroupCommit _groupCommit = new(dataSource, writers: 2, MaxGroupSamples);

    public string Backend => "postgresql";

    public ValueTask DisposeAsync() => _groupCommit.DisposeAsync();

    public async Task<AppendResult> AppendAsync(string deviceId, IReadOnlyList<Sample> samples, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0)
        {
            return new AppendResult(0, 0);
        }

        return await _groupCommit.AppendAsync(deviceId, SampleBatch.Prepare(deviceId, samples), samples.Count, cancellationToken);
    }

    /// <summary>
    /// Adds counts and sums and widens min/max/first/last, so concurrent appends to the same slot compose
    /// exactly: the conflicting row is locked and the update applies to its latest committed version.
    /// </summary>
    internal const string UpsertQuarterHoursSql = """
        INSERT INTO quarter_hours AS q (device_id, start, sample_count, import_power_sum_w, import_power_max_w,
                                        power_sum_w, power_min_w, power_max_w, first_ts, first_import_kwh,
                                        first_export_kwh, last_ts, last_import_kwh, last_export_kwh)
        SELECT *
        FROM unnest($1::text[], $2::timestamptz[], $3::bigint[], $4::bigint[], $5::integer[], $6::bigint[], $7::integer[],
                    $8::integer[], $9::timestamptz[], $10::double precision[], $11::double precision[],
                    $12::timestamptz[], $13::double precision[], $14::double precision[])
        ON CONFLICT (device_id, start) DO UPDATE SET
            sample_count = q.sample_count + excluded.sample_count,
            import_power_sum_w = q.import_power_sum_w + excluded.import_power_sum_w,
            import_power_max_w = greatest(q.import_power_max_w, excluded.import_power_max_w),
            power_sum_w = q.power_sum_w + excluded.power_sum_w,
            power_min_w = least(q.power_min_w, excluded.power_min_w),
            power_max_w = greatest(q.power_max_w, excluded.power_max_w),
            first_ts = least(q.first_ts, excluded.first_ts),
            first_import_kwh = CASE WHEN excluded.first_ts < q.first_ts
                                    THEN excluded.first_import_kwh ELSE q.first_import_kwh END,
            first_export_kwh = CASE WHEN excluded.first_ts < q.first_ts
                                    THEN excluded.first_export_kwh ELSE q.first_export_kwh END,
            last_ts = greatest(q.last_ts, excluded.last_ts),
            last_import_kwh = CASE WHEN excluded.last_ts > q.last_ts
                                   THEN excluded.last_import_kwh ELSE q.last_import_kwh END,
            last_export_kwh = CASE WHEN excluded.last_ts > q.last_ts
                                   THEN excluded.last_export_kwh ELSE q.last_export_kwh END
        """;

    internal static void AddQuarterHourParameters(NpgsqlCommand command, List<QuarterHourRow> rows)
    {
        AddArray(command, rows, r => r.DeviceId, NpgsqlDbType.Text);
        AddArray(command, rows, r => r.Start, NpgsqlDbType.TimestampTz);
        AddArray(command, rows, r => r.SampleCount, NpgsqlDbType.Bigint);
        AddArray(command, rows, r => r.ImportPowerSumW, NpgsqlDbType.Bigint);
        AddArray(command, rows, r => r.ImportPowerMaxW, NpgsqlDbType.Integer);
        AddArray(command, rows, r => r.PowerSumW, NpgsqlDbType.Bigint);
        AddArray(command, rows, r => r.PowerMinW, NpgsqlDbType.Integer);
        AddArray(command, rows, r => r.PowerMaxW, NpgsqlDbType.Integer);
        AddArray(command, rows, r => r.FirstTs, NpgsqlDbType.TimestampTz);
        AddArray(command, rows, r => r.FirstImportKwh, NpgsqlDbType.Double);
        AddArray(command, rows, r => r.FirstExportKwh, NpgsqlDbType.Double);
        AddArray(command, rows, r => r.LastTs, NpgsqlDbType.TimestampTz);
        AddArray(command, rows, r => r.LastImportKwh, NpgsqlDbType.Double);
        AddArray(command, rows, r => r.LastExportKwh, NpgsqlDbType.Double);
    }

    private static void AddArray<T>(NpgsqlCommand command, List<QuarterHourRow> rows, Func<QuarterHourRow, T> field, NpgsqlDbType type) =>
        command.Parameters.Add(new NpgsqlParameter<T[]> { TypedValue = [.. rows.Select(field)], NpgsqlDbType = NpgsqlDbType.Array | type });

    public async Task<Sample?> GetLatestAsync(string deviceId, CancellationToken cancellationToken)
    {
        const string sql = $"""
            SELECT {SampleColumns}
            FROM samples
            WHERE device_id = $1
            ORDER BY ts DESC
            LIMIT 1
            """;
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = deviceId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadSample(reader) : null;
    }

    public async Task<IReadOnlyList<QuarterHourRow>> GetQuarterHoursAsync(
        string deviceId, DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT device_id, start, sample_count, import_power_sum_w, import_power_max_w, power_sum_w, power_min_w,
                   power_max_w, first_ts, first_import_kwh, first_export_kwh, last_ts, last_import_kwh, last_export_kwh
            FROM quarter_hours
            WHERE device_id = $1 AND start >= $2 AND start < $3
            ORDER BY start
            """;
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = deviceId });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = fromUtc.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = toUtc.ToUniversalTime() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<QuarterHourRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new QuarterHourRow(
                reader.GetString(0),
                reader.GetFieldValue<DateTimeOffset>(1),
                reader.GetInt64(2),
                reader.GetInt64(3),
                reader.GetInt32(4),
                reader.GetInt64(5),
                reader.GetInt32(6),
                reader.GetInt32(7),
                reader.GetFieldValue<DateTimeOffset>(8),
                reader.GetDouble(9),
                reader.GetDouble(10),
                reader.GetFieldValue<DateTimeOffset>(11),
                reader.GetDouble(12),
                reader.GetDouble(13)));
        }

        return rows;
    }

    public async IAsyncEnumerable<Sample> StreamSamplesAsync(
        string deviceId, DateTimeOffset fromUtc, DateTimeOffset toUtc, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        const string sql = $"""
            SELECT {SampleColumns}
            FROM samples
            WHERE device_id = $1 AND ts >= $2 AND ts < $3
            ORDER BY ts
            """;
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = deviceId });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = fromUtc.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = toUtc.ToUniversalTime() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return ReadSample(reader);
        }
    }

    public async Task CheckHealthAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT 1");
        await command.ExecuteScalarAsync(cancellationToken);
    }

    private const string SampleColumns = """
        device_id, ts, power_w, import_power_w, energy_import_kwh, energy_export_kwh, average_power_15m_w,
        monthly_power_peak_w, monthly_power_peak_ts, power_l1_w, power_l2_w, power_l3_w, gas_m3, gas_ts
        """;

    private static Sample ReadSample(NpgsqlDataReader reader) => new()
    {
        DeviceId = reader.GetString(0),
        Ts = reader.GetFieldValue<DateTimeOffset>(1),
        PowerW = reader.GetInt32(2),
        ImportPowerW = reader.GetInt32(3),
        EnergyImportKwh = reader.GetDouble(4),
        EnergyExportKwh = reader.GetDouble(5),
        AveragePower15mW = reader.IsDBNull(6) ? null : reader.GetInt32(6),
        MonthlyPowerPeakW = reader.IsDBNull(7) ? null : reader.GetInt32(7),
        MonthlyPowerPeakTs = reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8),
        PowerL1W = reader.IsDBNull(9) ? null : reader.GetInt32(9),
        PowerL2W = reader.IsDBNull(10) ? null : reader.GetInt32(10),
        PowerL3W = reader.IsDBNull(11) ? null : reader.GetInt32(11),
        GasM3 = reader.IsDBNull(12) ? null : reader.GetDouble(12),
        GasTs = reader.IsDBNull(13) ? null : reader.GetFieldValue<DateTimeOffset>(13),
    };
}
