namespace P1Telemetry.Server.Accounts;

/// <summary>
/// Counts failed sign-ins per username in the database, so the lockout holds on every replica. Unknown
/// usernames are counted exactly like known ones: a lockout tells nothing about which accounts exist.
/// </summary>
public sealed class SignInThrottle(AccountDatabase database, TimeProvider timeProvider)
{
    /// <summary>Failures within <see cref="Window"/> that lock the username for <see cref="LockDuration"/>.</summary>
    public const int MaxFailures = 5;

    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    public static readonly TimeSpan LockDuration = TimeSpan.FromMinutes(15);

    /// <summary>How long the username stays locked; null when it is not.</summary>
    public async Task<TimeSpan?> LockedForAsync(string username, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = AccountDatabase.Command(connection,
            "SELECT locked_until FROM sign_in_failures WHERE username_key = @key", ("key", Key(username)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken) || AccountDatabase.ReadInstant(reader, 0) is not { } until || until <= now)
        {
            return null;
        }

        return until - now;
    }

    /// <summary>Records a failure; returns the lock it caused, if any.</summary>
    public async Task<TimeSpan?> RecordFailureAsync(string username, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = AccountDatabase.Command(connection, """
            INSERT INTO sign_in_failures (username_key, failures, first_at, locked_until) VALUES (@key, 1, @now, NULL)
            ON CONFLICT (username_key) DO UPDATE SET
                failures = CASE WHEN sign_in_failures.first_at < @window_start THEN 1 ELSE sign_in_failures.failures + 1 END,
                first_at = CASE WHEN sign_in_failures.first_at < @window_start THEN @now ELSE sign_in_failures.first_at END,
                locked_until = CASE
                    WHEN sign_in_failures.first_at >= @window_start AND sign_in_failures.failures + 1 >= @max THEN @lock_until
                    ELSE NULL END
            RETURNING locked_until
            """,
            ("key", Key(username)), ("now", database.Instant(now)), ("window_start", database.Instant(now - Window)),
            ("max", MaxFailures), ("lock_until", database.Instant(now + LockDuration)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) && AccountDatabase.ReadInstant(reader, 0) is { } until && until > now
            ? until - now
            : null;
    }

    /// <summary>A successful sign-in forgets the username's failures (and old rows of others).</summary>
    public async Task ResetAsync(string username, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = AccountDatabase.Command(connection, """
            DELETE FROM sign_in_failures
            WHERE username_key = @key OR (first_at < @old AND (locked_until IS NULL OR locked_until < @now))
            """,
            ("key", Key(username)), ("old", database.Instant(now - TimeSpan.FromDays(1))), ("now", database.Instant(now)));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string Key(string username) => username.Trim().ToLowerInvariant();
}
