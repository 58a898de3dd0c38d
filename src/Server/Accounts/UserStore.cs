using System.Data.Common;
using System.Security.Cryptography;

namespace P1Telemetry.Server.Accounts;

/// <summary>A user as the sign-in and token checks need it.</summary>
public sealed record UserRecord(long Id, string Username, string PasswordHash, bool IsAdmin, string SecurityStamp);

/// <summary>The role a grant gives a user on a device.</summary>
public static class DeviceRoles
{
    public const string Owner = "owner";
    public const string Viewer = "viewer";

    public static bool IsValid(string? role) => role is Owner or Viewer;
}

/// <summary>Users, their grants and their personal API tokens in the database (either backend).</summary>
public sealed class UserStore(AccountDatabase database, TimeProvider timeProvider)
{
    private const string UserColumns = "u.id, u.username, u.password_hash, u.is_admin, u.security_stamp";

    /// <summary>Creates the user; null when the username is taken.</summary>
    public async Task<long?> AddAsync(string username, string passwordHash, bool isAdmin, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = AccountDatabase.Command(connection, """
            INSERT INTO users (username, password_hash, is_admin, security_stamp, created_at)
            VALUES (@name, @hash, @admin, @stamp, @now)
            ON CONFLICT (username) DO NOTHING
            RETURNING id
            """,
            ("name", username), ("hash", passwordHash), ("admin", isAdmin), ("stamp", NewStamp()),
            ("now", database.Instant(timeProvider.GetUtcNow())));
        var id = await command.ExecuteScalarAsync(cancellationToken);
        return id is null ? null : Convert.ToInt64(id, System.Globalization.CultureInfo.InvariantCulture);
    }

    public Task<UserRecord?> FindAsync(string username, CancellationToken cancellationToken) =>
        FindOneAsync($"SELECT {UserColumns} FROM users u WHERE u.username = @key", username, cancellationToken);

    public Task<UserRecord?> FindByIdAsync(long id, CancellationToken cancellationToken) =>
        FindOneAsync($"SELECT {UserColumns} FROM users u WHERE u.id = @key", id, cancellationToken);

    /// <summary>Replaces the hash after a successful sign-in with an outdated one (same password, newer format).</summary>
    public async Task UpdatePasswordHashAsync(long userId, string passwordHash, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = AccountDatabase.Command(connection, "UPDATE users SET password_hash = @hash WHERE id = @id",
            ("id", userId), ("hash", passwordHash));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Grants (or changes) a role on a device.</summary>
    public async Task GrantAsync(long userId, string deviceId, string role, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = AccountDatabase.Command(connection, """
            INSERT INTO grants (user_id, device_id, role) VALUES (@user, @device, @role)
            ON CONFLICT (user_id, device_id) DO UPDATE SET role = excluded.role
            """, ("user", userId), ("device", deviceId), ("role", role));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The user's role on the device, or null without a grant. Read per request, so a change holds at once.</summary>
    public async Task<string?> GetRoleAsync(long userId, string deviceId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = AccountDatabase.Command(connection, "SELECT role FROM grants WHERE user_id = @user AND device_id = @device",
            ("user", userId), ("device", deviceId));
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    public async Task<IReadOnlyList<(string DeviceId, string Role)>> ListGrantsAsync(long userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = AccountDatabase.Command(connection, "SELECT device_id, role FROM grants WHERE user_id = @user ORDER BY device_id",
            ("user", userId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var grants = new List<(string, string)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            grants.Add((reader.GetString(0), reader.GetString(1)));
        }

        return grants;
    }

    /// <summary>A new personal API token, shown only now; null when the label is already in use.</summary>
    public async Task<(string Token, string Label)?> CreateTokenAsync(long userId, string? label, CancellationToken cancellationToken)
    {
        var token = SecretTokens.NewUserToken();
        await using var connection = await database.OpenAsync(cancellationToken);
        label ??= await DeviceStore.NextLabelAsync(connection, "user_api_tokens", "user_id", userId, cancellationToken);
        await using var command = AccountDatabase.Command(connection, """
            INSERT INTO user_api_tokens (user_id, label, token_hash, created_at) VALUES (@user, @label, @hash, @now)
            """,
            ("user", userId), ("label", label), ("hash", SecretTokens.Hash(token)), ("now", database.Instant(timeProvider.GetUtcNow())));
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
            return (token, label);
        }
        catch (DbException ex) when (AccountDatabase.IsUniqueViolation(ex))
        {
            return null;
        }
    }

    public async Task<bool> RevokeTokenAsync(long userId, string label, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = AccountDatabase.Command(connection, """
            UPDATE user_api_tokens SET revoked_at = @now WHERE user_id = @user AND label = @label AND revoked_at IS NULL
            """, ("user", userId), ("label", label), ("now", database.Instant(timeProvider.GetUtcNow())));
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <summary>The owner of the live token with this hash (indexed lookup, constant-time check); never cached.</summary>
    public async Task<(long TokenId, UserRecord User, DateTimeOffset? LastUsed)?> FindByTokenHashAsync(byte[] hash, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = AccountDatabase.Command(connection, $"""
            SELECT {UserColumns}, t.id, t.token_hash, t.last_used_at
            FROM user_api_tokens t JOIN users u ON u.id = t.user_id
            WHERE t.token_hash = @hash AND t.revoked_at IS NULL
            """, ("hash", hash));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken) || !CryptographicOperations.FixedTimeEquals((byte[])reader.GetValue(6), hash))
        {
            return null;
        }

        return (reader.GetInt64(5), ReadUser(reader), AccountDatabase.ReadInstant(reader, 7));
    }

    public async Task TouchTokenAsync(long tokenId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = AccountDatabase.Command(connection, "UPDATE user_api_tokens SET last_used_at = @now WHERE id = @id",
            ("id", tokenId), ("now", database.Instant(now)));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<UserRecord?> FindOneAsync(string sql, object key, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = AccountDatabase.Command(connection, sql, ("key", key));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadUser(reader) : null;
    }

    private static UserRecord ReadUser(DbDataReader reader) =>
        new(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3), reader.GetString(4));

    private static string NewStamp() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
}
