using System.Runtime.InteropServices;
using System.Threading.Channels;
using Npgsql;
using P1Telemetry.Contracts.Wire;

namespace P1Telemetry.Server.Storage;

/// <summary>
/// Group commit: appends that arrive while a transaction is being written wait in a queue and are written
/// together in the next one, so a thousand homes posting small batches cost a handful of commits (and fsyncs)
/// per second instead of one each. Every caller is answered only after the commit that holds its rows, so an
/// acknowledgement still means durable. A group whose transaction fails for a reason other than a transient
/// conflict is written again one append at a time, so one bad append cannot fail the others.
/// </summary>
internal sealed class PostgresGroupCommit : IAsyncDisposable
{
    private const int MaxAttempts = 3;

    private readonly NpgsqlDataSource _dataSource;
    private readonly int _maxGroupSamples;
    private readonly Channel<PendingAppend> _queue = Channel.CreateUnbounded<PendingAppend>(new UnboundedChannelOptions { SingleReader = false });
    private readonly Task[] _writers;

    public PostgresGroupCommit(NpgsqlDataSource dataSource, int writers, int maxGroupSamples)
    {
        _dataSource = dataSource;
        _maxGroupSamples = maxGroupSamples;

        // Two writers keep the disk busy: one builds and sends its statements while the other waits for its fsync.
        _writers = [.. Enumerable.Range(0, writers).Select(_ => Task.Run(WriteLoopAsync))];
    }

    /// <summary>Queues one device's prepared (sorted, de-duplicated) samples and returns once they are committed.</summary>
    public async Task<AppendResult> AppendAsync(string deviceId, Sample[] samples, int sentCount, CancellationToken cancellationToken)
    {
        var pending = new PendingAppend(deviceId, samples, sentCount);
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(pending), this);

        // Once queued the append may already be in a transaction, so the caller's cancellation only stops the
        // waiting; the rows stay correct either way (a retry finds them as duplicates).
        return await pending.Completion.Task.WaitAsync(cancellationToken);
    }

    private async Task WriteLoopAsync()
    {
        var reader = _queue.Reader;
        var group = new List<PendingAppend>();
        while (await reader.WaitToReadAsync())
        {
            var samples = 0;
            while (samples < _maxGroupSamples && reader.TryRead(out var pending))
            {
                group.Add(pending);
                samples += pending.Samples.Length;
            }

            if (group.Count == 0)
            {
                continue;
            }

            await WriteGroupAsync(group);
            group.Clear();
        }
    }

    private async Task WriteGroupAsync(List<PendingAppend> group)
    {
        try
        {
            var inserted = await WriteWithRetryAsync(group);
            for (var i = 0; i < group.Count; i++)
            {
                group[i].Complete(inserted[i]);
            }
        }
        catch (Exception) when (group.Count > 1)
        {
            // Something in the group failed as a whole: each append gets its own transaction and its own outcome.
            foreach (var pending in group)
            {
                await WriteGroupAsync([pending]);
            }
        }
        catch (Exception ex)
        {
            group[0].Fail(ex);
        }
    }

    private async Task<int[]> WriteWithRetryAsync(List<PendingAppend> group)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await WriteAsync(group);
            }
            catch (PostgresException ex) when (attempt < MaxAttempts && ex.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
            {
                // The transaction rolled back as a whole; running it again is safe.
            }
        }
    }

    /// <summary>One transaction for the whole group; returns how many rows of each append were new.</summary>
    private async Task<int[]> WriteAsync(List<PendingAppend> group)
    {
        // One row per key across the group: the append queued first owns a key that two appends carry (an edge
        // retrying a batch that is still being written), the later one counts it as a duplicate.
        var owner = new Dictionary<(string Device, long Ticks), int>();
        var rows = new List<(int Append, Sample Sample)>();
        for (var i = 0; i < group.Count; i++)
        {
            foreach (var sample in group[i].Samples)
            {
                if (owner.TryAdd((group[i].DeviceId, sample.Ts.UtcTicks), i))
                {
                    rows.Add((i, sample));
                }
            }
        }

        // Ordered by (device, ts) so concurrent writers take row locks in the same order.
        rows.Sort((a, b) =>
        {
            var byDevice = string.CompareOrdinal(a.Sample.DeviceId, b.Sample.DeviceId);
            return byDevice != 0 ? byDevice : a.Sample.Ts.CompareTo(b.Sample.Ts);
        });

        await using var connection = await _dataSource.OpenConnectionAsync(CancellationToken.None);
        await using var transaction = await connection.BeginTransactionAsync(CancellationToken.None);
        var newKeys = await InsertSamplesAsync(connection, transaction, rows);
        if (newKeys.Count < rows.Count)
        {
            await ConfirmDuplicatesAsync(connection, transaction, rows, newKeys);
        }

        var inserted = new int[group.Count];
        var rollups = new SortedDictionary<string, QuarterHourAccumulator>(StringComparer.Ordinal);
        foreach (var (append, sample) in rows)
        {
            if (!newKeys.Contains((sample.DeviceId, sample.Ts.UtcTicks)))
            {
                continue;
            }

            inserted[append]++;
            if (!rollups.TryGetValue(sample.DeviceId, out var rollup))
            {
                rollups[sample.DeviceId] = rollup = new QuarterHourAccumulator(sample.DeviceId);
            }

            rollup.Add(sample);
        }

        await UpsertQuarterHoursAsync(connection, transaction, [.. rollups.Values.SelectMany(r => r.Rows)]);
        await transaction.CommitAsync(CancellationToken.None);
        return inserted;
    }

    private static async Task<HashSet<(string, long)>> InsertSamplesAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, List<(int Append, Sample Sample)> rows)
    {
        await using var command = new NpgsqlCommand(StorageSql.Postgres.InsertSamples, connection, transaction);
        SampleColumns.All.AddPostgresArrays(command, SamplesOf(rows));

        var inserted = new HashSet<(string, long)>(rows.Count);
        await using var reader = await command.ExecuteReaderAsync(CancellationToken.None);
        while (await reader.ReadAsync(CancellationToken.None))
        {
            inserted.Add((reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1).UtcTicks));
        }

        return inserted;
    }

    /// <summary>
    /// The count of <c>INSERT ... ON CONFLICT DO NOTHING</c> is not trusted blindly: a storage engine that
    /// ends the statement early (TimescaleDB before 2.18.1 on compressed chunks) or a trigger that drops rows
    /// would report them as duplicates, and the edge would delete readings that were never stored. A group
    /// with unconfirmed duplicates is rolled back, and written again append by append, so that only the appends
    /// concerned fail.
    /// </summary>
    private static async Task ConfirmDuplicatesAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, List<(int Append, Sample Sample)> rows, HashSet<(string, long)> newKeys)
    {
        const string sql = """
            SELECT count(*)
            FROM unnest($1::text[], $2::timestamptz[]) AS k(device_id, ts)
            WHERE NOT EXISTS (SELECT 1 FROM samples s WHERE s.device_id = k.device_id AND s.ts = k.ts)
            """;
        var duplicates = rows.Where(r => !newKeys.Contains((r.Sample.DeviceId, r.Sample.Ts.UtcTicks))).ToList();
        var samples = SamplesOf(duplicates);
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.Add(SampleColumns.DeviceId.ToPostgresArray(samples));
        command.Parameters.Add(SampleColumns.Ts.ToPostgresArray(samples));
        var missing = (long)(await command.ExecuteScalarAsync(CancellationToken.None))!;
        if (missing > 0)
        {
            await transaction.RollbackAsync(CancellationToken.None);
            throw new DuplicatesNotConfirmedException(string.Join(", ", duplicates.Select(r => r.Sample.DeviceId).Distinct()), (int)missing);
        }
    }

    private static Sample[] SamplesOf(List<(int Append, Sample Sample)> rows)
    {
        var samples = new Sample[rows.Count];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = rows[i].Sample;
        }

        return samples;
    }

    private static async Task UpsertQuarterHoursAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<QuarterHourRow> rows)
    {
        if (rows.Count == 0)
        {
            return;
        }

        // Rows come ordered by (device, start), so concurrent writers lock shared slots in the same order.
        await using var command = new NpgsqlCommand(StorageSql.Postgres.UpsertQuarterHours, connection, transaction);
        QuarterHourColumns.All.AddPostgresArrays(command, CollectionsMarshal.AsSpan(rows));

        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_writers);
    }

    private sealed class PendingAppend(string deviceId, Sample[] samples, int sentCount)
    {
        public string DeviceId { get; } = deviceId;

        public Sample[] Samples { get; } = samples;

        public TaskCompletionSource<AppendResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Complete(int inserted) => Completion.TrySetResult(new AppendResult(inserted, sentCount - inserted));

        public void Fail(Exception exception) => Completion.TrySetException(exception);
    }
}
