using System.Threading.Channels;
using Npgsql;
using NpgsqlTypes;
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
        const string sql = """
            INSERT INTO samples (device_id, ts, power_w, import_power_w, energy_import_kwh, energy_export_kwh,
                                 average_power_15m_w, monthly_power_peak_w, monthly_power_peak_ts,
                                 power_l1_w, power_l2_w, power_l3_w, gas_m3, gas_ts)
            SELECT *
            FROM unnest($1::text[], $2::timestamptz[], $3::integer[], $4::integer[], $5::double precision[],
                        $6::double precision[], $7::integer[], $8::integer[], $9::timestamptz[],
                        $10::integer[], $11::integer[], $12::integer[], $13::double precision[],
                        $14::timestamptz[])
            ON CONFLICT (device_id, ts) DO NOTHING
            RETURNING device_id, ts
            """;

        await using var command = new NpgsqlCommand(sql, connection, transaction);
        Add(command, rows, s => s.DeviceId, NpgsqlDbType.Text);
        Add(command, rows, s => s.Ts, NpgsqlDbType.TimestampTz);
        Add(command, rows, s => s.PowerW, NpgsqlDbType.Integer);
        Add(command, rows, s => s.ImportPowerW, NpgsqlDbType.Integer);
        Add(command, rows, s => s.EnergyImportKwh, NpgsqlDbType.Double);
        Add(command, rows, s => s.EnergyExportKwh, NpgsqlDbType.Double);
        Add(command, rows, s => s.AveragePower15mW, NpgsqlDbType.Integer);
        Add(command, rows, s => s.MonthlyPowerPeakW, NpgsqlDbType.Integer);
        Add(command, rows, s => s.MonthlyPowerPeakTs, NpgsqlDbType.TimestampTz);
        Add(command, rows, s => s.PowerL1W, NpgsqlDbType.Integer);
        Add(command, rows, s => s.PowerL2W, NpgsqlDbType.Integer);
        Add(command, rows, s => s.PowerL3W, NpgsqlDbType.Integer);
        Add(command, rows, s => s.GasM3, NpgsqlDbType.Double);
        Add(command, rows, s => s.GasTs, NpgsqlDbType.TimestampTz);

        var inserted = new HashSet<(string, long)>(rows.Count);
        await using var reader = await command.ExecuteReaderAsync(CancellationToken.None);
        while (await reader.ReadAsync(CancellationToken.None))
        {
            inserted.Add((reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1).UtcTicks));
        }

        return inserted;
    }

    private static void Add<T>(NpgsqlCommand command, List<(int Append, Sample Sample)> rows, Func<Sample, T> field, NpgsqlDbType type)
    {
        var values = new T[rows.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = field(rows[i].Sample);
        }

        command.Parameters.Add(new NpgsqlParameter<T[]> { TypedValue = values, NpgsqlDbType = NpgsqlDbType.Array | type });
    }

    private static async Task UpsertQuarterHoursAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<QuarterHourRow> rows)
    {
        if (rows.Count == 0)
        {
            return;
        }

        // Rows come ordered by (device, start), so concurrent writers lock shared slots in the same order.
        await using var command = new NpgsqlCommand(PostgresSampleStore.UpsertQuarterHoursSql, connection, transaction);
        PostgresSampleStore.AddQuarterHourParameters(command, rows);
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
