using System.Collections.Concurrent;
using System.Data.Common;
using System.Net.Sockets;

namespace P1Telemetry.Server.Accounts;

/// <summary>
/// When each device's edge last uploaded: the time of its last accepted ingest request. Every replica remembers
/// the uploads it served in memory and writes a device's time to <c>device_uploads</c> at most once per
/// <see cref="WriteInterval"/>, so an ingest costs a database write only every few seconds; a reader takes the
/// later of the shared row and its own replica's memory, so another replica's answer lags by at most that interval.
/// </summary>
public sealed partial class DeviceUploads(AccountDatabase database, ILogger<DeviceUploads> logger)
{
    /// <summary>A device's upload time is written at most this often per replica.</summary>
    public static readonly TimeSpan WriteInterval = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, Upload> _uploads = new(StringComparer.Ordinal);

    /// <summary>Notes an accepted upload of <paramref name="deviceId"/>; a failing write never fails the ingest.</summary>
    public async Task RecordAsync(string deviceId, DateTimeOffset at, CancellationToken cancellationToken)
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

            if (upload.Written is { } written && at - written < WriteInterval)
            {
                return;
            }

            upload.Written = at;
        }

        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var command = AccountDatabase.Command(connection, """
                INSERT INTO device_uploads (device_id, last_upload_at) VALUES (@id, @at)
                ON CONFLICT (device_id) DO UPDATE SET last_upload_at = excluded.last_upload_at
                    WHERE device_uploads.last_upload_at < excluded.last_upload_at
                """, ("id", deviceId), ("at", database.Instant(at)));
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is DbException or SocketException or TimeoutException or InvalidOperationException)
        {
            // The next upload tries again.
            lock (upload)
            {
                upload.Written = null;
            }

            LogWriteFailed(logger, ex, deviceId);
        }
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

    private sealed class Upload
    {
        public DateTimeOffset Seen { get; set; }

        public DateTimeOffset? Written { get; set; }
    }

    [LoggerMessage(EventId = 42, Level = LogLevel.Warning, Message = "Could not store the last upload time of {DeviceId}")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, string deviceId);

    [LoggerMessage(EventId = 43, Level = LogLevel.Warning, Message = "Could not read the last upload time of {DeviceId}")]
    private static partial void LogReadFailed(ILogger logger, Exception exception, string deviceId);
}
