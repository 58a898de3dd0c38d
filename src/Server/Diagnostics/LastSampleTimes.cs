using Npgsql;
using P1Telemetry.Server.Storage;

namespace P1Telemetry.Server.Diagnostics;

/// <summary>A device and the timestamp of its newest sample.</summary>
public readonly record struct DeviceLastSample(string DeviceId, DateTimeOffset LastTs);

/// <summary>Reads every device's newest sample time from the database, so that every replica reports the same.</summary>
public interface ILastSampleTimes
{
    /// <summary>At most <see cref="LastSampleTimes.MaxDevices"/> devices, ordered by id.</summary>
    Task<IReadOnlyList<DeviceLastSample>> ReadAsync(CancellationToken cancellationToken);
}

public static class LastSampleTimes
{
    /// <summary>Bounds the query and the exported series; beyond it the devices after the first ones by id are left out.</summary>
    public const int MaxDevices = 10_000;
}

/// <summary>
/// PostgreSQL: the devices are enumerated by skipping through the rollup's primary key (one index probe per
/// device instead of a scan of every row), and each device's newest slot holds its newest sample time.
/// </summary>
public sealed class PostgresLastSampleTimes(NpgsqlDataSource dataSource) : ILastSampleTimes
{
    public async Task<IReadOnlyList<DeviceLastSample>> ReadAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            WITH RECURSIVE seen (device_id) AS (
                SELECT min(device_id) FROM quarter_hours
                UNION ALL
                SELECT (SELECT min(q.device_id) FROM quarter_hours q WHERE q.device_id > seen.device_id)
                FROM seen WHERE seen.device_id IS NOT NULL
            )
            SELECT seen.device_id,
                   (SELECT q.last_ts FROM quarter_hours q WHERE q.device_id = seen.device_id ORDER BY q.start DESC LIMIT 1)
            FROM seen
            WHERE seen.device_id IS NOT NULL
            LIMIT $1
            """);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = LastSampleTimes.MaxDevices });
        var devices = new List<DeviceLastSample>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            devices.Add(new DeviceLastSample(reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1)));
        }

        return devices;
    }
}

/// <summary>SQLite: the same skip through the rollup's primary key; instants are Unix microseconds.</summary>
public sealed class SqliteLastSampleTimes(SqliteConnectionFactory connections) : ILastSampleTimes
{
    public async Task<IReadOnlyList<DeviceLastSample>> ReadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            WITH RECURSIVE seen (device_id) AS (
                SELECT min(device_id) FROM quarter_hours
                UNION ALL
                SELECT (SELECT min(q.device_id) FROM quarter_hours q WHERE q.device_id > seen.device_id)
                FROM seen WHERE seen.device_id IS NOT NULL
            )
            SELECT seen.device_id,
                   (SELECT q.last_ts FROM quarter_hours q WHERE q.device_id = seen.device_id ORDER BY q.start DESC LIMIT 1)
            FROM seen
            WHERE seen.device_id IS NOT NULL
            LIMIT $limit
            """;
        command.Parameters.AddWithValue("$limit", LastSampleTimes.MaxDevices);
        var devices = new List<DeviceLastSample>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            devices.Add(new DeviceLastSample(reader.GetString(0), StorageTime.FromUnixMicroseconds(reader.GetInt64(1))));
        }

        return devices;
    }
}
