using System.Runtime.CompilerServices;
using Npgsql;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.Server.Storage.Columns;

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

    public async Task<Sample?> GetLatestAsync(string deviceId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(StorageSql.Postgres.LatestSample);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = deviceId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? SampleColumns.Read(reader, StorageDialect.Postgres) : null;
    }

    public async Task<IReadOnlyList<QuarterHourRow>> GetQuarterHoursAsync(
        string deviceId, DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(StorageSql.Postgres.QuarterHoursInRange);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = deviceId });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = fromUtc.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = toUtc.ToUniversalTime() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<QuarterHourRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(QuarterHourColumns.Read(reader, StorageDialect.Postgres));
        }

        return rows;
    }

    public async IAsyncEnumerable<Sample> StreamSamplesAsync(
        string deviceId, DateTimeOffset fromUtc, DateTimeOffset toUtc, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(StorageSql.Postgres.SamplesInRange);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = deviceId });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = fromUtc.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = toUtc.ToUniversalTime() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return SampleColumns.Read(reader, StorageDialect.Postgres);
        }
    }

    public async Task CheckHealthAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT 1");
        await command.ExecuteScalarAsync(cancellationToken);
    }
}
