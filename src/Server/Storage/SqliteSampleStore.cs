using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using P1Telemetry.Contracts.Wire;

namespace P1Telemetry.Server.Storage;

/// <summary>
/// Embedded SQLite storage (WAL). Writers are serialized; each append inserts the raw rows and upserts the
/// rollup of the rows that were actually new in one transaction, with the same semantics as PostgreSQL.
/// </summary>
public sealed class SqliteSampleStore(SqliteConnectionFactory connections) : ISampleStore, IDisposable
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    public string Backend => "sqlite";

    public async Task<AppendResult> AppendAsync(string deviceId, IReadOnlyList<Sample> samples, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0)
        {
            return new AppendResult(0, 0);
        }

        var ordered = SampleBatch.Prepare(deviceId, samples);
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await connections.OpenAsync(cancellationToken);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            var rollup = new QuarterHourAccumulator(deviceId);
            var inserted = await InsertSamplesAsync(connection, transaction, ordered, rollup, cancellationToken);
            if (inserted < ordered.Length)
            {
                await ConfirmDuplicatesAsync(connection, transaction, deviceId, ordered, cancellationToken);
            }

            await UpsertQuarterHoursAsync(connection, transaction, rollup.Rows, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new AppendResult(inserted, samples.Count - inserted);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private static async Task<int> InsertSamplesAsync(
        SqliteConnection connection, SqliteTransaction transaction, Sample[] samples, QuarterHourAccumulator rollup,
        CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO samples (device_id, ts, power_w, import_power_w, energy_import_kwh, energy_export_kwh,
                                 average_power_15m_w, monthly_power_peak_w, monthly_power_peak_ts,
                                 power_l1_w, power_l2_w, power_l3_w, gas_m3, gas_ts)
            VALUES ($device_id, $ts, $power_w, $import_power_w, $energy_import_kwh, $energy_export_kwh,
                    $average_power_15m_w, $monthly_power_peak_w, $monthly_power_peak_ts,
                    $power_l1_w, $power_l2_w, $power_l3_w, $gas_m3, $gas_ts)
            ON CONFLICT (device_id, ts) DO NOTHING
            """;
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        var deviceId = command.Parameters.Add("$device_id", SqliteType.Text);
        var ts = command.Parameters.Add("$ts", SqliteType.Integer);
        var power = command.Parameters.Add("$power_w", SqliteType.Integer);
        var importPower = command.Parameters.Add("$import_power_w", SqliteType.Integer);
        var energyImport = command.Parameters.Add("$energy_import_kwh", SqliteType.Real);
        var energyExport = command.Parameters.Add("$energy_export_kwh", SqliteType.Real);
        var average15m = command.Parameters.Add("$average_power_15m_w", SqliteType.Integer);
        var monthlyPeak = command.Parameters.Add("$monthly_power_peak_w", SqliteType.Integer);
        var monthlyPeakTs = command.Parameters.Add("$monthly_power_peak_ts", SqliteType.Integer);
        var l1 = command.Parameters.Add("$power_l1_w", SqliteType.Integer);
        var l2 = command.Parameters.Add("$power_l2_w", SqliteType.Integer);
        var l3 = command.Parameters.Add("$power_l3_w", SqliteType.Integer);
        var gas = command.Parameters.Add("$gas_m3", SqliteType.Real);
        var gasTs = command.Parameters.Add("$gas_ts", SqliteType.Integer);
        command.Prepare();

        var inserted = 0;
        foreach (var sample in samples)
        {
            deviceId.Value = sample.DeviceId;
            ts.Value = StorageTime.ToUnixMicroseconds(sample.Ts);
            power.Value = sample.PowerW;
            importPower.Value = sample.ImportPowerW;
            energyImport.Value = sample.EnergyImportKwh;
            energyExport.Value = sample.EnergyExportKwh;
            average15m.Value = (object?)sample.AveragePower15mW ?? DBNull.Value;
            monthlyPeak.Value = (object?)sample.MonthlyPowerPeakW ?? DBNull.Value;
            monthlyPeakTs.Value = sample.MonthlyPowerPeakTs is { } peakTs ? StorageTime.ToUnixMicroseconds(peakTs) : DBNull.Value;
            l1.Value = (object?)sample.PowerL1W ?? DBNull.Value;
            l2.Value = (object?)sample.PowerL2W ?? DBNull.Value;
            l3.Value = (object?)sample.PowerL3W ?? DBNull.Value;
            gas.Value = (object?)sample.GasM3 ?? DBNull.Value;
            gasTs.Value = sample.GasTs is { } gasInstant ? StorageTime.ToUnixMicroseconds(gasInstant) : DBNull.Value;
            if (await command.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                inserted++;
                rollup.Add(sample);
            }
        }

        return inserted;
    }

    /// <summary>
    /// Every key of the batch must exist once the rows were inserted: a trigger or an engine that skips rows silently must not
    /// make the edge delete readings that were never stored. The transaction rolls back when one is missing.
    /// </summary>
    private static async Task ConfirmDuplicatesAsync(
        SqliteConnection connection, SqliteTransaction transaction, string deviceId, Sample[] samples, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT count(*)
            FROM samples
            WHERE device_id = $device_id AND ts IN (SELECT value FROM json_each($keys))
            """;
        var keys = "[" + string.Join(',', samples.Select(s => StorageTime.ToUnixMicroseconds(s.Ts))) + "]";
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Parameters.AddWithValue("$device_id", deviceId);
        command.Parameters.AddWithValue("$keys", keys);
        var found = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        if (found < samples.Length)
        {
            await transaction.RollbackAsync(CancellationToken.None);
            throw new DuplicatesNotConfirmedException(deviceId, samples.Length - (int)found);
        }
    }

    private static async Task UpsertQuarterHoursAsync(
        SqliteConnection connection, SqliteTransaction transaction, IEnumerable<QuarterHourRow> rows, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO quarter_hours (device_id, start, sample_count, import_power_sum_w, import_power_max_w,
                                       power_sum_w, power_min_w, power_max_w, first_ts, first_import_kwh,
                                       first_export_kwh, last_ts, last_import_kwh, last_export_kwh)
            VALUES ($device_id, $start, $sample_count, $import_power_sum_w, $import_power_max_w, $power_sum_w,
                    $power_min_w, $power_max_w, $first_ts, $first_import_kwh, $first_export_kwh, $last_ts,
                    $last_import_kwh, $last_export_kwh)
            ON CONFLICT (device_id, start) DO UPDATE SET
                sample_count = quarter_hours.sample_count + excluded.sample_count,
                import_power_sum_w = quarter_hours.import_power_sum_w + excluded.import_power_sum_w,
                import_power_max_w = max(quarter_hours.import_power_max_w, excluded.import_power_max_w),
                power_sum_w = quarter_hours.power_sum_w + excluded.power_sum_w,
                power_min_w = min(quarter_hours.power_min_w, excluded.power_min_w),
                power_max_w = max(quarter_hours.power_max_w, excluded.power_max_w),
                first_ts = min(quarter_hours.first_ts, excluded.first_ts),
                first_import_kwh = CASE WHEN excluded.first_ts < quarter_hours.first_ts
                                        THEN excluded.first_import_kwh ELSE quarter_hours.first_import_kwh END,
                first_export_kwh = CASE WHEN excluded.first_ts < quarter_hours.first_ts
                                        THEN excluded.first_export_kwh ELSE quarter_hours.first_export_kwh END,
                last_ts = max(quarter_hours.last_ts, excluded.last_ts),
                last_import_kwh = CASE WHEN excluded.last_ts > quarter_hours.last_ts
                                       THEN excluded.last_import_kwh ELSE quarter_hours.last_import_kwh END,
                last_export_kwh = CASE WHEN excluded.last_ts > quarter_hours.last_ts
                                       THEN excluded.last_export_kwh ELSE quarter_hours.last_export_kwh END
            """;
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var row in rows)
        {
            command.Parameters.Clear();
            command.Parameters.AddWithValue("$device_id", row.DeviceId);
            command.Parameters.AddWithValue("$start", StorageTime.ToUnixMicroseconds(row.Start));
            command.Parameters.AddWithValue("$sample_count", row.SampleCount);
            command.Parameters.AddWithValue("$import_power_sum_w", row.ImportPowerSumW);
            command.Parameters.AddWithValue("$import_power_max_w", row.ImportPowerMaxW);
            command.Parameters.AddWithValue("$power_sum_w", row.PowerSumW);
            command.Parameters.AddWithValue("$power_min_w", row.PowerMinW);
            command.Parameters.AddWithValue("$power_max_w", row.PowerMaxW);
            command.Parameters.AddWithValue("$first_ts", StorageTime.ToUnixMicroseconds(row.FirstTs));
            command.Parameters.AddWithValue("$first_import_kwh", row.FirstImportKwh);
            command.Parameters.AddWithValue("$first_export_kwh", row.FirstExportKwh);
            command.Parameters.AddWithValue("$last_ts", StorageTime.ToUnixMicroseconds(row.LastTs));
            command.Parameters.AddWithValue("$last_import_kwh", row.LastImportKwh);
            command.Parameters.AddWithValue("$last_export_kwh", row.LastExportKwh);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public async Task<Sample?> GetLatestAsync(string deviceId, CancellationToken cancellationToken)
    {
        const string sql = $"""
            SELECT {SampleColumns}
            FROM samples
            WHERE device_id = $device_id
            ORDER BY ts DESC
            LIMIT 1
            """;
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$device_id", deviceId);
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
            WHERE device_id = $device_id AND start >= $from AND start < $to
            ORDER BY start
            """;
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$device_id", deviceId);
        command.Parameters.AddWithValue("$from", StorageTime.ToUnixMicroseconds(fromUtc));
        command.Parameters.AddWithValue("$to", StorageTime.ToUnixMicroseconds(toUtc));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<QuarterHourRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new QuarterHourRow(
                reader.GetString(0),
                StorageTime.FromUnixMicroseconds(reader.GetInt64(1)),
                reader.GetInt64(2),
                reader.GetInt64(3),
                reader.GetInt32(4),
                reader.GetInt64(5),
                reader.GetInt32(6),
                reader.GetInt32(7),
                StorageTime.FromUnixMicroseconds(reader.GetInt64(8)),
                reader.GetDouble(9),
                reader.GetDouble(10),
                StorageTime.FromUnixMicroseconds(reader.GetInt64(11)),
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
            WHERE device_id = $device_id AND ts >= $from AND ts < $to
            ORDER BY ts
            """;
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$device_id", deviceId);
        command.Parameters.AddWithValue("$from", StorageTime.ToUnixMicroseconds(fromUtc));
        command.Parameters.AddWithValue("$to", StorageTime.ToUnixMicroseconds(toUtc));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return ReadSample(reader);
        }
    }

    public async Task CheckHealthAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM schema_version";
        await command.ExecuteScalarAsync(cancellationToken);
    }

    public void Dispose() => _writeLock.Dispose();

    private const string SampleColumns = """
        device_id, ts, power_w, import_power_w, energy_import_kwh, energy_export_kwh, average_power_15m_w,
        monthly_power_peak_w, monthly_power_peak_ts, power_l1_w, power_l2_w, power_l3_w, gas_m3, gas_ts
        """;

    private static Sample ReadSample(SqliteDataReader reader) => new()
    {
        DeviceId = reader.GetString(0),
        Ts = StorageTime.FromUnixMicroseconds(reader.GetInt64(1)),
        PowerW = reader.GetInt32(2),
        ImportPowerW = reader.GetInt32(3),
        EnergyImportKwh = reader.GetDouble(4),
        EnergyExportKwh = reader.GetDouble(5),
        AveragePower15mW = reader.IsDBNull(6) ? null : reader.GetInt32(6),
        MonthlyPowerPeakW = reader.IsDBNull(7) ? null : reader.GetInt32(7),
        MonthlyPowerPeakTs = reader.IsDBNull(8) ? null : StorageTime.FromUnixMicroseconds(reader.GetInt64(8)),
        PowerL1W = reader.IsDBNull(9) ? null : reader.GetInt32(9),
        PowerL2W = reader.IsDBNull(10) ? null : reader.GetInt32(10),
        PowerL3W = reader.IsDBNull(11) ? null : reader.GetInt32(11),
        GasM3 = reader.IsDBNull(12) ? null : reader.GetDouble(12),
        GasTs = reader.IsDBNull(13) ? null : StorageTime.FromUnixMicroseconds(reader.GetInt64(13)),
    };
}
