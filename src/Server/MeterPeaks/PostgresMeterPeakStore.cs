using Npgsql;
using NpgsqlTypes;
using P1Telemetry.Contracts.Domain;

namespace P1Telemetry.Server.MeterPeaks;

public sealed class PostgresMeterPeakStore(NpgsqlDataSource dataSource) : IMeterPeakStore
{
    public async Task UpsertAsync(string deviceId, IReadOnlyList<StoredMeterPeak> peaks, StoredMeterState? state, DateTimeOffset receivedAt,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(peaks);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (peaks.Count > 0)
        {
            const string sql = """
                INSERT INTO meter_peaks (device_id, month, peak_w, peak_ts, received_at)
                SELECT $1, m, w, t, $5 FROM unnest($2::text[], $3::integer[], $4::timestamptz[]) AS p(m, w, t)
                ON CONFLICT (device_id, month) DO UPDATE
                    SET peak_w = excluded.peak_w, peak_ts = excluded.peak_ts, received_at = excluded.received_at
                """;
            await using var command = new NpgsqlCommand(sql, connection, transaction);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = deviceId });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. peaks.Select(p => p.Month.ToString())] });
            command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. peaks.Select(p => p.PeakW)] });
            command.Parameters.Add(new NpgsqlParameter<DateTime[]>
            {
                NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz,
                TypedValue = [.. peaks.Select(p => p.PeakTs.UtcDateTime)],
            });
            command.Parameters.Add(new NpgsqlParameter<DateTime> { NpgsqlDbType = NpgsqlDbType.TimestampTz, TypedValue = receivedAt.UtcDateTime });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        if (state is not null)
        {
            const string sql = """
                INSERT INTO meter_states (device_id, source, clock_stalled, belgian_fields_missing, observed_at, received_at)
                VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (device_id) DO UPDATE
                    SET source = excluded.source, clock_stalled = excluded.clock_stalled,
                        belgian_fields_missing = excluded.belgian_fields_missing,
                        observed_at = excluded.observed_at, received_at = excluded.received_at
                    WHERE meter_states.observed_at <= excluded.observed_at
                """;
            await using var command = new NpgsqlCommand(sql, connection, transaction);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = deviceId });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)state.Source ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = state.ClockStalled });
            command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = state.BelgianFieldsMissing });
            command.Parameters.Add(new NpgsqlParameter<DateTime> { NpgsqlDbType = NpgsqlDbType.TimestampTz, TypedValue = state.ObservedAt.UtcDateTime });
            command.Parameters.Add(new NpgsqlParameter<DateTime> { NpgsqlDbType = NpgsqlDbType.TimestampTz, TypedValue = receivedAt.UtcDateTime });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyDictionary<LocalMonth, StoredMeterPeak>> GetAsync(string deviceId, LocalMonth first, LocalMonth last,
        CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT month, peak_w, peak_ts FROM meter_peaks
            WHERE device_id = $1 AND month >= $2 AND month <= $3
            """;
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = deviceId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = first.ToString() });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = last.ToString() });
        var peaks = new Dictionary<LocalMonth, StoredMeterPeak>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (LocalMonth.TryParse(reader.GetString(0), out var month))
            {
                peaks[month] = new StoredMeterPeak(month, reader.GetInt32(1), new DateTimeOffset(reader.GetFieldValue<DateTime>(2), TimeSpan.Zero));
            }
        }

        return peaks;
    }

    public async Task<StoredMeterState?> GetStateAsync(string deviceId, CancellationToken cancellationToken)
    {
        const string sql = "SELECT source, clock_stalled, belgian_fields_missing, observed_at FROM meter_states WHERE device_id = $1";
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = deviceId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new StoredMeterState(reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetBoolean(1), reader.GetBoolean(2),
                new DateTimeOffset(reader.GetFieldValue<DateTime>(3), TimeSpan.Zero))
            : null;
    }
}
