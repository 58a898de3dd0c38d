using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.Server.Storage.Columns;

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
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = StorageSql.Sqlite.InsertSamples;
        var parameters = SampleColumns.All.AddSqliteParameters(command);
        command.Prepare();

        var inserted = 0;
        foreach (var sample in samples)
        {
            SampleColumns.All.BindSqlite(parameters, sample);
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
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = StorageSql.Sqlite.UpsertQuarterHours;
        var parameters = QuarterHourColumns.All.AddSqliteParameters(command);
        command.Prepare();
        foreach (var row in rows)
        {
            QuarterHourColumns.All.BindSqlite(parameters, row);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public async Task<Sample?> GetLatestAsync(string deviceId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = StorageSql.Sqlite.LatestSample;
        command.Parameters.AddWithValue("$device_id", deviceId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? SampleColumns.Read(reader, StorageDialect.Sqlite) : null;
    }

    public async Task<IReadOnlyList<QuarterHourRow>> GetQuarterHoursAsync(
        string deviceId, DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = StorageSql.Sqlite.QuarterHoursInRange;
        command.Parameters.AddWithValue("$device_id", deviceId);
        command.Parameters.AddWithValue("$from", StorageTime.ToUnixMicroseconds(fromUtc));
        command.Parameters.AddWithValue("$to", StorageTime.ToUnixMicroseconds(toUtc));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<QuarterHourRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(QuarterHourColumns.Read(reader, StorageDialect.Sqlite));
        }

        return rows;
    }

    public async IAsyncEnumerable<Sample> StreamSamplesAsync(
        string deviceId, DateTimeOffset fromUtc, DateTimeOffset toUtc, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = StorageSql.Sqlite.SamplesInRange;
        command.Parameters.AddWithValue("$device_id", deviceId);
        command.Parameters.AddWithValue("$from", StorageTime.ToUnixMicroseconds(fromUtc));
        command.Parameters.AddWithValue("$to", StorageTime.ToUnixMicroseconds(toUtc));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return SampleColumns.Read(reader, StorageDialect.Sqlite);
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
}
