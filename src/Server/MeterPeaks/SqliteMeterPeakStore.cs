using Microsoft.Data.Sqlite;
using P1Telemetry.Contracts.Domain;
using P1Telemetry.Server.Storage;

namespace P1Telemetry.Server.MeterPeaks;

public sealed class SqliteMeterPeakStore(SqliteConnectionFactory connections) : IMeterPeakStore
{
    public async Task UpsertAsync(string deviceId, IReadOnlyList<StoredMeterPeak> peaks, StoredMeterState? state, DateTimeOffset receivedAt,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(peaks);
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO meter_peaks (device_id, month, peak_w, peak_ts, received_at)
                VALUES ($device_id, $month, $peak_w, $peak_ts, $received_at)
                ON CONFLICT (device_id, month) DO UPDATE
                    SET peak_w = excluded.peak_w, peak_ts = excluded.peak_ts, received_at = excluded.received_at
                """;
            command.Parameters.AddWithValue("$device_id", deviceId);
            var month = command.Parameters.Add("$month", SqliteType.Text);
            var peakW = command.Parameters.Add("$peak_w", SqliteType.Integer);
            var peakTs = command.Parameters.Add("$peak_ts", SqliteType.Integer);
            command.Parameters.AddWithValue("$received_at", StorageTime.ToUnixMicroseconds(receivedAt));
            foreach (var peak in peaks)
            {
                month.Value = peak.Month.ToString();
                peakW.Value = peak.PeakW;
                peakTs.Value = StorageTime.ToUnixMicroseconds(peak.PeakTs);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        if (state is not null)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO meter_states (device_id, source, clock_stalled, belgian_fields_missing, observed_at, received_at)
                VALUES ($device_id, $source, $clock_stalled, $belgian_fields_missing, $observed_at, $received_at)
                ON CONFLICT (device_id) DO UPDATE
                    SET source = excluded.source, clock_stalled = excluded.clock_stalled,
                        belgian_fields_missing = excluded.belgian_fields_missing,
                        observed_at = excluded.observed_at, received_at = excluded.received_at
                    WHERE meter_states.observed_at <= excluded.observed_at
                """;
            command.Parameters.AddWithValue("$device_id", deviceId);
            command.Parameters.AddWithValue("$source", (object?)state.Source ?? DBNull.Value);
            command.Parameters.AddWithValue("$clock_stalled", state.ClockStalled ? 1 : 0);
            command.Parameters.AddWithValue("$belgian_fields_missing", state.BelgianFieldsMissing ? 1 : 0);
            command.Parameters.AddWithValue("$observed_at", StorageTime.ToUnixMicroseconds(state.ObservedAt));
            command.Parameters.AddWithValue("$received_at", StorageTime.ToUnixMicroseconds(receivedAt));
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyDictionary<LocalMonth, StoredMeterPeak>> GetAsync(string deviceId, LocalMonth first, LocalMonth last,
        CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT month, peak_w, peak_ts FROM meter_peaks
            WHERE device_id = $device_id AND month >= $first AND month <= $last
            """;
        command.Parameters.AddWithValue("$device_id", deviceId);
        command.Parameters.AddWithValue("$first", first.ToString());
        command.Parameters.AddWithValue("$last", last.ToString());
        var peaks = new Dictionary<LocalMonth, StoredMeterPeak>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (LocalMonth.TryParse(reader.GetString(0), out var month))
            {
                peaks[month] = new StoredMeterPeak(month, reader.GetInt32(1), StorageTime.FromUnixMicroseconds(reader.GetInt64(2)));
            }
        }

        return peaks;
    }

    public async Task<StoredMeterState?> GetStateAsync(string deviceId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT source, clock_stalled, belgian_fields_missing, observed_at FROM meter_states WHERE device_id = $device_id";
        command.Parameters.AddWithValue("$device_id", deviceId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new StoredMeterState(reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetInt64(1) != 0, reader.GetInt64(2) != 0,
                StorageTime.FromUnixMicroseconds(reader.GetInt64(3)))
            : null;
    }
}
