using System.Data.Common;
using System.Globalization;
using P1Telemetry.Server.Accounts;

namespace P1Telemetry.Server.Alerts;

/// <summary>An alert as stored.</summary>
public sealed record StoredAlert(long Id, string DeviceId, string Kind, DateTimeOffset QuarterStart, DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt, string Payload);

/// <summary>A delivery claimed by this replica: its alert and the attempt number.</summary>
public sealed record ClaimedDelivery(StoredAlert Alert, string Channel, int Attempt);

/// <summary>A delivery's state, as the device's alert list shows it.</summary>
public sealed record DeliveryState(string Channel, string State, int Attempts, DateTimeOffset NextAttempt, string? LastError, DateTimeOffset? DeliveredAt);

/// <summary>
/// The durable alert outbox in the samples' database (either backend). An alert is inserted once per device,
/// kind and quarter whichever replica evaluates it; each of its channels has a delivery row that one replica at
/// a time claims, tries and marks delivered, retried or dropped.
/// </summary>
public sealed class AlertOutbox(AccountDatabase database)
{
    /// <summary>How long a claimed delivery stays invisible to other replicas while it is being sent.</summary>
    public static readonly TimeSpan ClaimLease = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Inserts the alert with a pending delivery per channel; false when the device already has an alert of the
    /// kind for that quarter or, with a cooldown longer than a quarter, for a quarter less than the cooldown before.
    /// </summary>
    public async Task<bool> TryInsertAsync(string deviceId, string kind, DateTimeOffset quarterStart, DateTimeOffset now,
        DateTimeOffset? expiresAt, string payload, IReadOnlyList<string> channels, TimeSpan cooldown, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var recent = Command(connection, transaction, """
            SELECT 1 FROM alerts WHERE device_id = @device AND kind = @kind AND quarter_start > @since AND quarter_start < @quarter
            """,
            ("device", deviceId), ("kind", kind), ("since", database.Instant(quarterStart - cooldown)), ("quarter", database.Instant(quarterStart))))
        {
            if (await recent.ExecuteScalarAsync(cancellationToken) is not null)
            {
                return false;
            }
        }

        long id;
        await using (var insert = Command(connection, transaction, """
            INSERT INTO alerts (device_id, kind, quarter_start, created_at, expires_at, payload)
            VALUES (@device, @kind, @quarter, @now, @expires, @payload)
            ON CONFLICT (device_id, kind, quarter_start) DO NOTHING
            RETURNING id
            """,
            ("device", deviceId), ("kind", kind), ("quarter", database.Instant(quarterStart)), ("now", database.Instant(now)),
            ("expires", database.Instant(expiresAt)), ("payload", payload)))
        {
            if (await insert.ExecuteScalarAsync(cancellationToken) is not { } inserted)
            {
                return false;
            }

            id = Convert.ToInt64(inserted, CultureInfo.InvariantCulture);
        }

        foreach (var channel in channels)
        {
            await using var delivery = Command(connection, transaction, """
                INSERT INTO alert_deliveries (alert_id, channel, state, attempts, next_attempt) VALUES (@id, @channel, 'pending', 0, @now)
                """,
                ("id", id), ("channel", channel), ("now", database.Instant(now)));
            await delivery.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Drops the pending deliveries whose alert has expired, then claims up to <paramref name="limit"/> due ones:
    /// their next attempt moves a lease ahead, so no other replica takes them while this one sends.
    /// </summary>
    public async Task<IReadOnlyList<ClaimedDelivery>> ClaimDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // The worker asks every second; without pending rows it takes no write lock (SQLite has one for the whole file).
        await using (var any = Command(connection, null, "SELECT 1 FROM alert_deliveries WHERE state = 'pending' LIMIT 1"))
        {
            if (await any.ExecuteScalarAsync(cancellationToken) is null)
            {
                return [];
            }
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var expire = Command(connection, transaction, """
            UPDATE alert_deliveries SET state = 'dropped',
                last_error = 'expired before it could be delivered' || coalesce('; last attempt: ' || last_error, '')
            WHERE state = 'pending' AND alert_id IN (SELECT id FROM alerts WHERE expires_at IS NOT NULL AND expires_at <= @now)
            """, ("now", database.Instant(now))))
        {
            await expire.ExecuteNonQueryAsync(cancellationToken);
        }

        var claimSql = database.UsesPostgres
            ? """
              WITH due AS (
                  SELECT alert_id, channel FROM alert_deliveries
                  WHERE state = 'pending' AND next_attempt <= @now
                  ORDER BY next_attempt LIMIT @limit
                  FOR UPDATE SKIP LOCKED)
              UPDATE alert_deliveries d SET next_attempt = @lease, attempts = d.attempts + 1
              FROM due WHERE d.alert_id = due.alert_id AND d.channel = due.channel
              RETURNING d.alert_id, d.channel, d.attempts
              """
            : """
              UPDATE alert_deliveries SET next_attempt = @lease, attempts = attempts + 1
              WHERE (alert_id, channel) IN (
                  SELECT alert_id, channel FROM alert_deliveries
                  WHERE state = 'pending' AND next_attempt <= @now
                  ORDER BY next_attempt LIMIT @limit)
              RETURNING alert_id, channel, attempts
              """;
        var claimed = new List<(long AlertId, string Channel, int Attempts)>();
        await using (var claim = Command(connection, transaction, claimSql,
            ("now", database.Instant(now)), ("lease", database.Instant(now + ClaimLease)), ("limit", limit)))
        {
            await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                claimed.Add((reader.GetInt64(0), reader.GetString(1), AccountDatabase.ReadInt(reader, 2)!.Value));
            }
        }

        var deliveries = new List<ClaimedDelivery>(claimed.Count);
        foreach (var (alertId, channel, attempts) in claimed)
        {
            if (await ReadAlertAsync(connection, transaction, alertId, cancellationToken) is { } alert)
            {
                deliveries.Add(new ClaimedDelivery(alert, channel, attempts));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return deliveries;
    }

    public async Task MarkDeliveredAsync(long alertId, string channel, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, """
            UPDATE alert_deliveries SET state = 'delivered', delivered_at = @now, last_error = NULL WHERE alert_id = @id AND channel = @channel
            """, ("id", alertId), ("channel", channel), ("now", database.Instant(now)));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Records a failed attempt: retried at <paramref name="retryAt"/>, or dropped when that is null.</summary>
    public async Task MarkFailedAsync(long alertId, string channel, string error, DateTimeOffset? retryAt, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = retryAt is { } at
            ? Command(connection, null, """
                UPDATE alert_deliveries SET last_error = @error, next_attempt = @at WHERE alert_id = @id AND channel = @channel AND state = 'pending'
                """, ("id", alertId), ("channel", channel), ("error", error), ("at", database.Instant(at)))
            : Command(connection, null, """
                UPDATE alert_deliveries SET last_error = @error, state = 'dropped' WHERE alert_id = @id AND channel = @channel AND state = 'pending'
                """, ("id", alertId), ("channel", channel), ("error", error));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The device's latest alerts, newest first, with their deliveries.</summary>
    public async Task<IReadOnlyList<(StoredAlert Alert, IReadOnlyList<DeliveryState> Deliveries)>> ListRecentAsync(
        string deviceId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var alerts = new List<StoredAlert>();
        await using (var command = Command(connection, null, """
            SELECT id, device_id, kind, quarter_start, created_at, expires_at, payload FROM alerts
            WHERE device_id = @device ORDER BY created_at DESC, id DESC LIMIT @limit
            """, ("device", deviceId), ("limit", limit)))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                alerts.Add(ReadAlert(reader));
            }
        }

        var result = new List<(StoredAlert, IReadOnlyList<DeliveryState>)>(alerts.Count);
        foreach (var alert in alerts)
        {
            await using var command = Command(connection, null, """
                SELECT channel, state, attempts, next_attempt, last_error, delivered_at FROM alert_deliveries
                WHERE alert_id = @id ORDER BY channel
                """, ("id", alert.Id));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var deliveries = new List<DeliveryState>();
            while (await reader.ReadAsync(cancellationToken))
            {
                deliveries.Add(new DeliveryState(reader.GetString(0), reader.GetString(1), AccountDatabase.ReadInt(reader, 2)!.Value,
                    AccountDatabase.ReadInstant(reader, 3)!.Value, AccountDatabase.ReadString(reader, 4), AccountDatabase.ReadInstant(reader, 5)));
            }

            result.Add((alert, deliveries));
        }

        return result;
    }

    /// <summary>Deliveries that are failing now (pending after a failed attempt) and those dropped since <paramref name="since"/>, per channel.</summary>
    public async Task<IReadOnlyList<(string Channel, int Failing, int Dropped)>> ProblemsAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, """
            SELECT d.channel,
                   sum(CASE WHEN d.state = 'pending' AND d.last_error IS NOT NULL THEN 1 ELSE 0 END),
                   sum(CASE WHEN d.state = 'dropped' THEN 1 ELSE 0 END)
            FROM alert_deliveries d JOIN alerts a ON a.id = d.alert_id
            WHERE a.created_at >= @since AND d.state <> 'delivered'
            GROUP BY d.channel ORDER BY d.channel
            """, ("since", database.Instant(since)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var problems = new List<(string, int, int)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            problems.Add((reader.GetString(0), AccountDatabase.ReadInt(reader, 1) ?? 0, AccountDatabase.ReadInt(reader, 2) ?? 0));
        }

        return problems;
    }

    private static async Task<StoredAlert?> ReadAlertAsync(DbConnection connection, DbTransaction transaction, long id, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, """
            SELECT id, device_id, kind, quarter_start, created_at, expires_at, payload FROM alerts WHERE id = @id
            """, ("id", id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadAlert(reader) : null;
    }

    private static StoredAlert ReadAlert(DbDataReader reader) => new(
        reader.GetInt64(0), reader.GetString(1), reader.GetString(2), AccountDatabase.ReadInstant(reader, 3)!.Value,
        AccountDatabase.ReadInstant(reader, 4)!.Value, AccountDatabase.ReadInstant(reader, 5), reader.GetString(6));

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = AccountDatabase.Command(connection, sql, parameters);
        command.Transaction = transaction;
        return command;
    }
}
