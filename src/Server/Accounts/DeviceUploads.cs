using System.Collections.Concurrent;
using System.Data.Common;
using System.Net.Sockets;
using System.Text;

namespace P1Telemetry.Server.Accounts;

/// <summary>
/// When each device's edge last uploaded: the time of its last accepted ingest request. Every replica remembers
/// the uploads it served in memory and writes a device's time to <c>device_uploads</c> at most once per
/// <see cref="WriteInterval"/>; a reader takes the later of the shared row and its own replica's memory, so another
/// replica's answer lags by at most that interval. Concurrent uploads share one write: while one is running the
/// next ones queue and go out together in one statement, so a fleet of homes costs a few writes a second, not
/// one per request.
/// </summary>
public sealed partial class DeviceUploads(AccountDatabase database, ILogger<DeviceUploads> logger)
{
    /// <summary>A device's upload time is written at most this often per replica.</summary>
    public static readonly TimeSpan WriteInterval = TimeSpan.FromSeconds(30);

    /// <summary>Rows per statement: well under SQLite's limit of host parameters.</summary>
    private const int RowsPerStatement = 400;

    private readonly ConcurrentDictionary<string, Upload> _uploads = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private Dictionary<string, DateTimeOffset> _queued = new(StringComparer.Ordinal);
    private TaskCompletionSource? _queuedWritten;
    private bool _writing;

    /// <summary>
    /// Notes an accepted upload of <paramref name="deviceId"/>; the task completes once it is written (or needs no
    /// write), and never fails: a failed write is logged and tried again with the device's next upload.
    /// </summary>
    public Task RecordAsync(string deviceId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        // Whole microseconds, as both databases store instants: every replica then answers the same value.
        at = new DateTimeOffset(at.UtcTicks - (at.UtcTicks % 10), TimeSpan.Zero);
        var upload = _uploads.GetOrAdd(deviceId, static _ => new Upload());
        lock (upload)
        {
            if (at > upload.Seen)
            {
                upload.Seen = at;
            }

            if (upload.Written is { } last && at - last < WriteInterval)
            {
                return Task.CompletedTask;
            }

            upload.Written = at;
        }

        Task written;
        var leads = false;
        lock (_gate)
        {
            _queued[deviceId] = _queued.TryGetValue(deviceId, out var queued) && queued > at ? queued : at;
            _queuedWritten ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            written = _queuedWritten.Task;
            if (!_writing)
            {
                _writing = true;
                leads = true;
            }
        }

        if (leads)
        {
            _ = WriteQueuedAsync();
        }

        return written.WaitAsync(cancellationToken);
    }

    /// <summary>The last upload of <paramref name="deviceId"/> seen by any replica; null when none is known.</summary>
    public async Task<DateTimeOffset?> GetAsync(string deviceId, CancellationToken cancellationToken)
    {
        DateTimeOffset? local = null;
        if (_uploads.TryGetValue(deviceId, out var upload))
        {
            lock (upload)
            {
                local = upload.Seen;
            }
        }

        DateTimeOffset? shared;
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var command = AccountDatabase.Command(connection,
                "SELECT last_upload_at FROM device_uploads WHERE device_id = @id", ("id", deviceId));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            shared = await reader.ReadAsync(cancellationToken) ? AccountDatabase.ReadInstant(reader, 0) : null;
        }
        catch (Exception ex) when (ex is DbException or SocketException or TimeoutException)
        {
            LogReadFailed(logger, ex, deviceId);
            shared = null;
        }

        return shared is { } s && (local is not { } l || s > l) ? s : local;
    }

    /// <summary>Writes what is queued, then what queued up meanwhile, until nothing is left.</summary>
    private async Task WriteQueuedAsync()
    {
        while (true)
        {
            Dictionary<string, DateTimeOffset> batch;
            TaskCompletionSource written;
            lock (_gate)
            {
                if (_queued.Count == 0)
                {
                    _writing = false;
                    return;
                }

                batch = _queued;
                written = _queuedWritten!;
                _queued = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
                _queuedWritten = null;
            }

            try
            {
                foreach (var rows in batch.Chunk(RowsPerStatement))
                {
                    await WriteAsync(rows, CancellationToken.None);
                }
            }
            catch (Exception ex) when (ex is DbException or SocketException or TimeoutException or InvalidOperationException)
            {
                // The next upload of each of these devices tries again.
                foreach (var deviceId in batch.Keys)
                {
                    var upload = _uploads[deviceId];
                    lock (upload)
                    {
                        upload.Written = null;
                    }
                }

                LogWriteFailed(logger, ex, batch.Count);
            }

            written.SetResult();
        }
    }

    private async Task WriteAsync(KeyValuePair<string, DateTimeOffset>[] rows, CancellationToken cancellationToken)
    {
        var values = new StringBuilder();
        var parameters = new (string Name, object? Value)[rows.Length * 2];
        for (var i = 0; i < rows.Length; i++)
        {
            values.Append(i == 0 ? "" : ", ").Append("(@id").Append(i).Append(", @at").Append(i).Append(')');
            parameters[2 * i] = ($"id{i}", rows[i].Key);
            parameters[(2 * i) + 1] = ($"at{i}", database.Instant(rows[i].Value));
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = AccountDatabase.Command(connection, $"""
            INSERT INTO device_uploads (device_id, last_upload_at) VALUES {values}
            ON CONFLICT (device_id) DO UPDATE SET last_upload_at = excluded.last_upload_at
                WHERE device_uploads.last_upload_at < excluded.last_upload_at
            """, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private sealed class Upload
    {
        public DateTimeOffset Seen { get; set; }

        public DateTimeOffset? Written { get; set; }
    }

    [LoggerMessage(EventId = 42, Level = LogLevel.Warning, Message = "Could not store the last upload time of {DeviceCount} devices")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, int deviceCount);

    [LoggerMessage(EventId = 43, Level = LogLevel.Warning, Message = "Could not read the last upload time of {DeviceId}")]
    private static partial void LogReadFailed(ILogger logger, Exception exception, string deviceId);
}
