using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using P1Telemetry.Contracts.Wire;

namespace P1Telemetry.Edge.Spooling;

/// <summary>A sample waiting in the spool: its row id (for <c>ack</c>) and its JSON.</summary>
public readonly record struct SpooledSample(long Id, string Payload);

/// <summary>An entry of the quarantine table.</summary>
public sealed record QuarantinedItem(long Id, string Reason, string Payload, DateTimeOffset QuarantinedAt);

/// <summary>
/// The durable FIFO between the meter and the server: SQLite in WAL mode with <c>synchronous=FULL</c>, so an
/// acknowledged enqueue survives a power cut. One connection, one operation at a time: the reader loop's
/// single inserts and the uploader's batch reads never contend for long, and a slow server holds no lock.
/// </summary>
public sealed class SampleSpool : IDisposable
{
    private const string _schema = """
        PRAGMA journal_mode = WAL;
        PRAGMA synchronous = FULL;
        CREATE TABLE IF NOT EXISTS spool (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            payload TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS quarantine (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            reason TEXT NOT NULL,
            payload TEXT NOT NULL,
            quarantined_at TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS last_sample (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            payload TEXT NOT NULL
        );
        """;

    /// <summary>How long a write waits for another process (a backfill, a requeue) before it fails.</summary>
    public static readonly TimeSpan DefaultBusyTimeout = TimeSpan.FromSeconds(5);

    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TimeProvider _time;
    private readonly SqliteCommand _insert;
    private readonly SqliteParameter _insertPayload;
    private readonly SqliteCommand _remember;
    private readonly SqliteParameter _rememberPayload;
    private TaskCompletionSource _enqueued = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SampleSpool(SqliteConnection connection, TimeProvider time)
    {
        _connection = connection;
        _time = time;
        _insert = connection.CreateCommand();
        _insert.CommandText = "INSERT INTO spool (payload) VALUES ($payload)";
        _insertPayload = _insert.Parameters.Add("$payload", SqliteType.Text);
        _remember = connection.CreateCommand();
        _remember.CommandText = "INSERT INTO last_sample (id, payload) VALUES (1, $payload) ON CONFLICT (id) DO UPDATE SET payload = excluded.payload";
        _rememberPayload = _remember.Parameters.Add("$payload", SqliteType.Text);
    }

    public string Path { get; private init; } = "";

    /// <summary>Opens (creating when needed) the spool file and its directory.</summary>
    public static SampleSpool Open(string path, TimeProvider time, TimeSpan? busyTimeout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(time);
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString());
        connection.Open();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {(long)(busyTimeout ?? DefaultBusyTimeout).TotalMilliseconds};") + _schema;
            command.ExecuteNonQuery();
        }

        return new SampleSpool(connection, time) { Path = path };
    }

    /// <summary>The spooled form of a sample (see <see cref="SpoolJson"/>).</summary>
    public static string Serialize(Sample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        return JsonSerializer.Serialize(sample, SpoolJson.Sample);
    }

    /// <summary>The sample a spooled payload holds, with <paramref name="deviceId"/>.</summary>
    public static Sample Deserialize(string payload, string deviceId)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(deviceId);
        var sample = JsonSerializer.Deserialize(payload, SpoolJson.Sample) ?? throw new JsonException("the payload is null");
        return sample with { DeviceId = deviceId };
    }

    /// <summary>
    /// Spools a reading from the meter and remembers it as the last one, in the same transaction, so the first
    /// reading after a restart is checked against it even when everything was uploaded meanwhile.
    /// </summary>
    public async Task EnqueueAsync(Sample sample, CancellationToken cancellationToken)
    {
        var payload = Serialize(sample);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            using var transaction = _connection.BeginTransaction();
            _insert.Transaction = transaction;
            _remember.Transaction = transaction;
            _insertPayload.Value = payload;
            _rememberPayload.Value = payload;
            _insert.ExecuteNonQuery();
            _remember.ExecuteNonQuery();
            transaction.Commit();
        }
        finally
        {
            _insert.Transaction = null;
            _remember.Transaction = null;
            _gate.Release();
        }

        Interlocked.Exchange(ref _enqueued, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>
    /// Completes once <see cref="EnqueueAsync"/> has committed a reading after this call (the reader loop's
    /// readings, not a backfill's), so that the uploader can send it without waiting for its interval.
    /// </summary>
    public Task NextReadingSpooledAsync() => Volatile.Read(ref _enqueued).Task;

    /// <summary>The last reading <see cref="EnqueueAsync"/> spooled (uploaded or not), without a device id; null before the first.</summary>
    public async Task<Sample?> LastSpooledAsync(CancellationToken cancellationToken)
    {
        var payload = await TextAsync("SELECT payload FROM last_sample WHERE id = 1", cancellationToken);
        try
        {
            return payload is null ? null : Deserialize(payload, "");
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The meter time of the oldest sample waiting (the next to be uploaded); null when none waits.</summary>
    public async Task<DateTimeOffset?> OldestSpooledTsAsync(CancellationToken cancellationToken)
    {
        var payload = await TextAsync("SELECT payload FROM spool ORDER BY id LIMIT 1", cancellationToken);
        try
        {
            return payload is null ? null : Deserialize(payload, "").Ts;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Free bytes for this process on the file system that holds the spool; null when it cannot tell.</summary>
    public long? DiskFreeBytes()
    {
        try
        {
            var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path)) ?? "/";
            return new DriveInfo(directory).AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Enqueues all samples in one transaction: all or none survive a crash.</summary>
    public async Task<int> EnqueueManyAsync(IEnumerable<Sample> samples, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(samples);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            using var transaction = _connection.BeginTransaction();
            _insert.Transaction = transaction;
            var count = 0;
            foreach (var sample in samples)
            {
                _insertPayload.Value = Serialize(sample);
                _insert.ExecuteNonQuery();
                count++;
            }

            transaction.Commit();
            return count;
        }
        finally
        {
            _insert.Transaction = null;
            _gate.Release();
        }
    }

    /// <summary>The oldest <paramref name="limit"/> samples, oldest first, without removing them.</summary>
    public async Task<IReadOnlyList<SpooledSample>> PeekAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT id, payload FROM spool ORDER BY id LIMIT $limit";
            command.Parameters.AddWithValue("$limit", limit);
            using var reader = command.ExecuteReader();
            var items = new List<SpooledSample>(Math.Min(limit, 10_000));
            while (reader.Read())
            {
                items.Add(new SpooledSample(reader.GetInt64(0), reader.GetString(1)));
            }

            return items;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Deletes exactly the given rows (those the server confirmed); returns how many existed.</summary>
    public async Task<int> AckAsync(IReadOnlyList<long> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return 0;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            using var transaction = _connection.BeginTransaction();
            using var command = _connection.CreateCommand();
            command.Transaction = transaction;
            if (IsAscending(ids) && CountRange(ids[0], ids[^1], transaction) == ids.Count)
            {
                // The usual case: a peeked batch is every row between its first and last id (ids only grow), so
                // a range delete removes exactly those rows, without a lookup per id.
                command.CommandText = "DELETE FROM spool WHERE id BETWEEN $first AND $last";
                command.Parameters.AddWithValue("$first", ids[0]);
                command.Parameters.AddWithValue("$last", ids[^1]);
            }
            else
            {
                command.CommandText = "DELETE FROM spool WHERE id IN (SELECT value FROM json_each($ids))";
                command.Parameters.AddWithValue("$ids", IdList(ids));
            }

            var deleted = command.ExecuteNonQuery();
            transaction.Commit();
            return deleted;
        }
        finally
        {
            _gate.Release();
        }
    }

    private long CountRange(long first, long last, SqliteTransaction transaction)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT count(*) FROM spool WHERE id BETWEEN $first AND $last";
        command.Parameters.AddWithValue("$first", first);
        command.Parameters.AddWithValue("$last", last);
        return (long)command.ExecuteScalar()!;
    }

    private static bool IsAscending(IReadOnlyList<long> ids)
    {
        for (var i = 1; i < ids.Count; i++)
        {
            if (ids[i] <= ids[i - 1])
            {
                return false;
            }
        }

        return true;
    }

    public async Task<long> CountAsync(CancellationToken cancellationToken) =>
        await ScalarAsync("SELECT count(*) FROM spool", cancellationToken);

    public async Task<long> QuarantineCountAsync(CancellationToken cancellationToken) =>
        await ScalarAsync("SELECT count(*) FROM quarantine", cancellationToken);

    /// <summary>Keeps a reading that could not become a sample, with the reason, for a human to look at.</summary>
    public async Task QuarantineAsync(string reason, string payload, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "INSERT INTO quarantine (reason, payload, quarantined_at) VALUES ($reason, $payload, $at)";
            command.Parameters.AddWithValue("$reason", reason);
            command.Parameters.AddWithValue("$payload", payload);
            command.Parameters.AddWithValue("$at", Now());
            command.ExecuteNonQuery();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Moves spooled rows to the quarantine table in one transaction (the server rejected them).</summary>
    public async Task<int> QuarantineSpooledAsync(IReadOnlyCollection<long> ids, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            using var transaction = _connection.BeginTransaction();
            using var move = _connection.CreateCommand();
            move.Transaction = transaction;
            move.CommandText = """
                INSERT INTO quarantine (reason, payload, quarantined_at)
                SELECT $reason, payload, $at FROM spool WHERE id IN (SELECT value FROM json_each($ids)) ORDER BY id;
                DELETE FROM spool WHERE id IN (SELECT value FROM json_each($ids));
                """;
            move.Parameters.AddWithValue("$reason", reason);
            move.Parameters.AddWithValue("$at", Now());
            move.Parameters.AddWithValue("$ids", IdList(ids));
            var moved = move.ExecuteNonQuery();
            transaction.Commit();
            return moved / 2;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Quarantine entries, oldest first: the first <paramref name="limit"/>, or only <paramref name="ids"/> when given.</summary>
    public async Task<IReadOnlyList<QuarantinedItem>> ReadQuarantineAsync(int limit, CancellationToken cancellationToken, IReadOnlyCollection<long>? ids = null)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = ids is null
                ? "SELECT id, reason, payload, quarantined_at FROM quarantine ORDER BY id LIMIT $limit"
                : "SELECT id, reason, payload, quarantined_at FROM quarantine WHERE id IN (SELECT value FROM json_each($ids)) ORDER BY id LIMIT $limit";
            command.Parameters.AddWithValue("$limit", limit);
            if (ids is not null)
            {
                command.Parameters.AddWithValue("$ids", IdList(ids));
            }

            using var reader = command.ExecuteReader();
            var items = new List<QuarantinedItem>();
            while (reader.Read())
            {
                items.Add(new QuarantinedItem(reader.GetInt64(0), reader.GetString(1), reader.GetString(2),
                    DateTimeOffset.Parse(reader.GetString(3), CultureInfo.InvariantCulture)));
            }

            return items;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Moves quarantine entries back into the spool in one transaction, in their quarantine order, behind what
    /// already waits; returns how many moved. The caller decides which entries are samples worth sending.
    /// </summary>
    public async Task<int> RequeueAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return 0;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            using var transaction = _connection.BeginTransaction();
            using var move = _connection.CreateCommand();
            move.Transaction = transaction;
            move.CommandText = """
                INSERT INTO spool (payload)
                SELECT payload FROM quarantine WHERE id IN (SELECT value FROM json_each($ids)) ORDER BY id;
                DELETE FROM quarantine WHERE id IN (SELECT value FROM json_each($ids));
                """;
            move.Parameters.AddWithValue("$ids", IdList(ids));
            var moved = move.ExecuteNonQuery();
            transaction.Commit();
            return moved / 2;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<string?> TextAsync(string sql, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = sql;
            return command.ExecuteScalar() as string;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<long> ScalarAsync(string sql, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = sql;
            return (long)command.ExecuteScalar()!;
        }
        finally
        {
            _gate.Release();
        }
    }

    private string Now() => _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);

    private static string IdList(IReadOnlyCollection<long> ids)
    {
        var builder = new StringBuilder(ids.Count * 8 + 2).Append('[');
        var first = true;
        foreach (var id in ids)
        {
            if (!first)
            {
                builder.Append(',');
            }

            builder.Append(id.ToString(CultureInfo.InvariantCulture));
            first = false;
        }

        return builder.Append(']').ToString();
    }

    public void Dispose()
    {
        _insert.Dispose();
        _remember.Dispose();
        _connection.Dispose();
        _gate.Dispose();
    }
}
