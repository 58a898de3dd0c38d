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
public sealed class PostgresSampleStore(NpgsqlDataSource dataSource) : ISampleStore
{
    private const int MaxAttempts = 3;

    public string Backend => "postgresql";

    public async Task<AppendResult> AppendAsync(string deviceId, IReadOnlyList<Sample> samples, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0)
        {
            return new AppendResult(0, 0);
        }

        // Sorted input makes concurrent appends of overlapping ranges take their row locks in the same order.
        var ordered = SampleBatch.Prepare(deviceId, samples);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var inserted = await InsertAsync(deviceId, ordered, cancellationToken);
                return new AppendResult(inserted, samples.Count - inserted);
            }
            catch (PostgresException ex) when (attempt < MaxAttempts && ex.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
            {
                // The transaction rolled back as a whole; running it again is safe.
            }
        }
    }

    private async Task<int> InsertAsync(string deviceId, Sample[] samples, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var inserted = await InsertSamplesAsync(connection, transaction, deviceId, samples, cancellationToken);
        if (inserted.Count < samples.Length)
        {
            await ConfirmDuplicatesAsync(connection, transaction, deviceId, samples, inserted, cancellationToken);
        }

        // RETURNING names exactly the rows that were new; only those feed the rollup.
        var rollup = new QuarterHourAccumulator(deviceId);
        foreach (var sample in samples)
        {
            if (inserted.Contains(sample.Ts.UtcTicks))
            {
                rollup.Add(sample);
            }
        }

        await UpsertQuarterHoursAsync(connection, transaction, deviceId, rollup.Rows.ToList(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return inserted.Count;
    }

    private static async Task<HashSet<long>> InsertSamplesAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string deviceId, Sample[] samples, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO samples (device_id, ts, power_w, import_power_w, energy_import_kwh, energy_export_kwh,
                                 average_power_15m_w, monthly_power_peak_w, monthly_power_peak_ts,
                                 power_l1_w, power_l2_w, power_l3_w, gas_m3, gas_ts)
            SELECT $1, *
            FROM unnest($2::timestamptz[], $3::integer[], $4::integer[], $5::double precision[],
                        $6::double precision[], $7::integer[], $8::integer[], $9::timestamptz[],
                        $10::integer[], $11::integer[], $12::integer[], $13::double precision[],
                        $14::timestamptz[])
            ON CONFLICT (device_id, ts) DO NOTHING
            RETURNING ts
            """;

        var n = samples.Length;
        var ts = new DateTimeOffset[n];
        var power = new int[n];
        var importPower = new int[n];
        var energyImport = new double[n];
        var energyExport = new double[n];
        var average15m = new int?[n];
        var monthlyPeak = new int?[n];
        var monthlyPeakTs = new DateTimeOffset?[n];
        var l1 = new int?[n];
        var l2 = new int?[n];
        var l3 = new int?[n];
        var gas = new double?[n];
        var gasTs = new DateTimeOffset?[n];
        for (var i = 0; i < n; i++)
        {
            var s = samples[i];
            ts[i] = s.Ts;
            power[i] = s.PowerW;
            importPower[i] = s.ImportPowerW;
            energyImport[i] = s.EnergyImportKwh;
            energyExport[i] = s.EnergyExportKwh;
            average15m[i] = s.AveragePower15mW;
            monthlyPeak[i] = s.MonthlyPowerPeakW;
            monthlyPeakTs[i] = s.MonthlyPowerPeakTs;
            l1[i] = s.PowerL1W;
            l2[i] = s.PowerL2W;
            l3[i] = s.PowerL3W;
            gas[i] = s.GasM3;
            gasTs[i] = s.GasTs;
        }

        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = deviceId, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = ts, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = power, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = importPower, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter<double[]> { TypedValue = energyImport, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Double });
        command.Parameters.Add(new NpgsqlParameter<double[]> { TypedValue = energyExport, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Double });
        command.Parameters.Add(new NpgsqlParameter<int?[]> { TypedValue = average15m, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter<int?[]> { TypedValue = monthlyPeak, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset?[]> { TypedValue = monthlyPeakTs, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter<int?[]> { TypedValue = l1, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter<int?[]> { TypedValue = l2, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter<int?[]> { TypedValue = l3, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter<double?[]> { TypedValue = gas, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Double });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset?[]> { TypedValue = gasTs, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });

        var inserted = new HashSet<long>(n);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            inserted.Add(reader.GetFieldValue<DateTimeOffset>(0).UtcTicks);
        }

        return inserted;
    }

    /// <summary>
    /// The count of <c>INSERT ... ON CONFLICT DO NOTHING</c> is not trusted blindly: a storage engine that
    /// ends the statement early (TimescaleDB before 2.18.1 on compressed chunks) or a trigger that drops rows
    /// would report them as duplicates, and the edge would delete readings that were never stored.
    /// </summary>
    private static async Task ConfirmDuplicatesAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string deviceId, Sample[] samples, HashSet<long> inserted,
        CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT count(*)
            FROM samples
            WHERE device_id = $1 AND ts = ANY($2::timestamptz[])
            """;
        var duplicates = samples.Where(s => !inserted.Contains(s.Ts.UtcTicks)).Select(s => s.Ts).ToArray();
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = deviceId, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = duplicates, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        var found = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        if (found < duplicates.Length)
        {
            await transaction.RollbackAsync(CancellationToken.None);
            throw new DuplicatesNotConfirmedException(deviceId, duplicates.Length - (int)found);
        }
    }

    private static async Task UpsertQuarterHoursAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string deviceId, List<QuarterHourRow> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        // Adds counts and sums and widens min/max/first/last, so concurrent appends to the same slot compose
        // exactly: the conflicting row is locked and the update applies to its latest committed version.
        const string sql = """
            INSERT INTO quarter_hours AS q (device_id, start, sample_count, import_power_sum_w, import_power_max_w,
                                            power_sum_w, power_min_w, power_max_w, first_ts, first_import_kwh,
                                            first_export_kwh, last_ts, last_import_kwh, last_export_kwh)
            SELECT $1, *
            FROM unnest($2::timestamptz[], $3::bigint[], $4::bigint[], $5::integer[], $6::bigint[], $7::integer[],
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

        // Rows come ordered by start, so concurrent appends lock shared slots in the same order.
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = deviceId, NpgsqlDbType = NpgsqlDbType.Text });
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
        await command.ExecuteNonQueryAsync(cancellationToken);
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
