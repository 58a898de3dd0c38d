using System.Net.Sockets;
using Npgsql;

namespace P1Telemetry.ChaosBench;

/// <summary>What the database holds for the soak's device, read directly (not through the API under test).</summary>
internal sealed class SoakStore(string connectionString, string deviceId)
{
    /// <summary>The newest stored reading; null when there is none or PostgreSQL is down at the moment.</summary>
    public async Task<DateTimeOffset?> TryLatestAsync()
    {
        try
        {
            return await ScalarAsync<DateTimeOffset?>("SELECT max(ts) FROM samples WHERE device_id = @device");
        }
        catch (Exception ex) when (ex is NpgsqlException or SocketException or TimeoutException)
        {
            return null;
        }
    }

    public Task<DateTimeOffset?> FirstStoredAfterAsync(DateTimeOffset after) =>
        ScalarAsync<DateTimeOffset?>("SELECT min(ts) FROM samples WHERE device_id = @device AND ts >= @after", ("after", after));

    public async Task<List<DateTimeOffset>> TimestampsAsync()
    {
        await using var connection = await OpenAsync();
        await using var command = Command(connection, "SELECT ts FROM samples WHERE device_id = @device ORDER BY ts");
        await using var reader = await command.ExecuteReaderAsync();
        var timestamps = new List<DateTimeOffset>();
        while (await reader.ReadAsync())
        {
            timestamps.Add(reader.GetFieldValue<DateTimeOffset>(0));
        }

        return timestamps;
    }

    /// <summary>Rows stored twice (the key forbids them; counted anyway) and samples the rollup counted more than once.</summary>
    public async Task<(long Rows, long Rollup)> DuplicatesAsync()
    {
        var rows = await ScalarAsync<long>("SELECT count(*) - count(DISTINCT ts) FROM samples WHERE device_id = @device");
        var rollup = await ScalarAsync<long>("""
            SELECT coalesce((SELECT sum(sample_count) FROM quarter_hours WHERE device_id = @device), 0)
                 - (SELECT count(*) FROM samples WHERE device_id = @device)
            """);
        return (rows, rollup);
    }

    /// <summary>Every quarter-hour row against one recomputed from the stored samples (UTC quarters), field by field.</summary>
    public async Task<(int Equal, int Total)> QuartersEqualToRecomputationAsync()
    {
        const string sql = """
            WITH recomputed AS (
                SELECT date_bin('15 minutes', ts, timestamptz '2000-01-01 00:00:00+00') AS start,
                       count(*) AS sample_count, sum(import_power_w) AS import_power_sum_w, max(import_power_w) AS import_power_max_w,
                       sum(power_w) AS power_sum_w, min(power_w) AS power_min_w, max(power_w) AS power_max_w,
                       min(ts) AS first_ts, (array_agg(energy_import_kwh ORDER BY ts))[1] AS first_import_kwh,
                       (array_agg(energy_export_kwh ORDER BY ts))[1] AS first_export_kwh,
                       max(ts) AS last_ts, (array_agg(energy_import_kwh ORDER BY ts DESC))[1] AS last_import_kwh,
                       (array_agg(energy_export_kwh ORDER BY ts DESC))[1] AS last_export_kwh
                FROM samples WHERE device_id = @device GROUP BY 1),
            stored AS (SELECT * FROM quarter_hours WHERE device_id = @device)
            SELECT count(*) FILTER (WHERE r.sample_count = s.sample_count AND r.import_power_sum_w = s.import_power_sum_w
                       AND r.import_power_max_w = s.import_power_max_w AND r.power_sum_w = s.power_sum_w
                       AND r.power_min_w = s.power_min_w AND r.power_max_w = s.power_max_w
                       AND r.first_ts = s.first_ts AND r.first_import_kwh = s.first_import_kwh AND r.first_export_kwh = s.first_export_kwh
                       AND r.last_ts = s.last_ts AND r.last_import_kwh = s.last_import_kwh AND r.last_export_kwh = s.last_export_kwh),
                   count(*)
            FROM recomputed r FULL JOIN stored s ON s.start = r.start
            """;
        await using var connection = await OpenAsync();
        await using var command = Command(connection, sql);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return ((int)reader.GetInt64(0), (int)reader.GetInt64(1));
    }

    private async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await OpenAsync();
        await using var command = Command(connection, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() && !reader.IsDBNull(0) ? reader.GetFieldValue<T>(0) : default!;
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return connection;
    }

    private NpgsqlCommand Command(NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("device", deviceId);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }
}
