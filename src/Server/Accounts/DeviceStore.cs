using System.Data.Common;
using System.Security.Cryptography;

namespace P1Telemetry.Server.Accounts;

/// <summary>Devices, their settings and their tokens in the database (either backend).</summary>
public sealed class DeviceStore(AccountDatabase database, TimeProvider timeProvider)
{
    /// <summary>Creates the device; false when it already exists.</summary>
    public async Task<bool> AddAsync(DeviceSettings device, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        var now = database.Instant(timeProvider.GetUtcNow());
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = AccountDatabase.Command(connection, """
            INSERT INTO devices (device_id, name, timezone, grid_area, tariff_eur_per_kw_year, vat_pct, goal_peak_w, created_at, updated_at)
            VALUES (@id, @name, @tz, @area, @tariff, @vat, @goal, @now, @now)
            ON CONFLICT (device_id) DO NOTHING
            """,
            ("id", device.DeviceId), ("name", device.Name), ("tz", device.TimeZone), ("area", device.GridArea),
            ("tariff", database.Number(device.TariffEurPerKwYear)), ("vat", database.Number(device.VatPct)),
            ("goal", device.GoalPeakW), ("now", now));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Stores the settings, creating the row for a device known only from DEVICE_TOKENS.</summary>
    public async Task SaveSettingsAsync(DeviceSettings device, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        var now = database.Instant(timeProvider.GetUtcNow());
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = AccountDatabase.Command(connection, """
            INSERT INTO devices (device_id, name, timezone, grid_area, tariff_eur_per_kw_year, vat_pct, goal_peak_w,
                alerts_enabled, alert_risk_pct, alert_no_data_min, ntfy_url, ntfy_token, webhook_url, webhook_secret, created_at, updated_at)
            VALUES (@id, @name, @tz, @area, @tariff, @vat, @goal, @alerts, @risk, @nodata, @ntfy, @ntfytoken, @hook, @hooksecret, @now, @now)
            ON CONFLICT (device_id) DO UPDATE SET
                name = excluded.name, timezone = excluded.timezone, grid_area = excluded.grid_area,
                tariff_eur_per_kw_year = excluded.tariff_eur_per_kw_year, vat_pct = excluded.vat_pct,
                goal_peak_w = excluded.goal_peak_w, alerts_enabled = excluded.alerts_enabled,
                alert_risk_pct = excluded.alert_risk_pct, alert_no_data_min = excluded.alert_no_data_min,
                ntfy_url = excluded.ntfy_url, ntfy_token = excluded.ntfy_token,
                webhook_url = excluded.webhook_url, webhook_secret = excluded.webhook_secret, updated_at = excluded.updated_at
            """,
            ("id", device.DeviceId), ("name", device.Name), ("tz", device.TimeZone), ("area", device.GridArea),
            ("tariff", database.Number(device.TariffEurPerKwYear)), ("vat", database.Number(device.VatPct)),
            ("goal", device.GoalPeakW), ("alerts", device.AlertsEnabled), ("risk", device.AlertRiskPct), ("nodata", device.AlertNoDataMin),
            ("ntfy", device.NtfyUrl), ("ntfytoken", device.NtfyToken), ("hook", device.WebhookUrl), ("hooksecret", device.WebhookSecret),
            ("now", now));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<DeviceSettings>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = AccountDatabase.Command(connection, """
            SELECT device_id, name, timezone, grid_area, tariff_eur_per_kw_year, vat_pct, goal_peak_w,
                   alerts_enabled, alert_risk_pct, alert_no_data_min, ntfy_url, ntfy_token, webhook_url, webhook_secret
            FROM devices ORDER BY device_id
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var devices = new List<DeviceSettings>();
        while (await reader.ReadAsync(cancellationToken))
        {
            devices.Add(new DeviceSettings(
                reader.GetString(0), reader.GetString(1), AccountDatabase.ReadString(reader, 2), AccountDatabase.ReadString(reader, 3),
                AccountDatabase.ReadDecimal(reader, 4), AccountDatabase.ReadDecimal(reader, 5), AccountDatabase.ReadInt(reader, 6))
            {
                AlertsEnabled = reader.IsDBNull(7) ? null : Convert.ToBoolean(reader.GetValue(7), System.Globalization.CultureInfo.InvariantCulture),
                AlertRiskPct = AccountDatabase.ReadInt(reader, 8),
                AlertNoDataMin = AccountDatabase.ReadInt(reader, 9),
                NtfyUrl = AccountDatabase.ReadString(reader, 10),
                NtfyToken = AccountDatabase.ReadString(reader, 11),
                WebhookUrl = AccountDatabase.ReadString(reader, 12),
                WebhookSecret = AccountDatabase.ReadString(reader, 13),
            });
        }

        return devices;
    }

    public async Task<bool> ExistsAsync(string deviceId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = AccountDatabase.Command(connection, "SELECT 1 FROM devices WHERE device_id = @id", ("id", deviceId));
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    /// <summary>A new token for the device, shown only now; null when the label is already in use.</summary>
    public async Task<(string Token, string Label)?> CreateTokenAsync(string deviceId, string? label, CancellationToken cancellationToken)
    {
        var token = SecretTokens.NewDeviceToken();
        await using var connection = await database.OpenAsync(cancellationToken);
        label ??= await NextLabelAsync(connection, "device_tokens", "device_id", deviceId, cancellationToken);
        await using var command = AccountDatabase.Command(connection, """
            INSERT INTO device_tokens (device_id, label, token_hash, created_at) VALUES (@id, @label, @hash, @now)
            """,
            ("id", deviceId), ("label", label), ("hash", SecretTokens.Hash(token)), ("now", database.Instant(timeProvider.GetUtcNow())));
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

    /// <summary>Revokes the live token with that label; false when there is none.</summary>
    public async Task<bool> RevokeTokenAsync(string deviceId, string label, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = AccountDatabase.Command(connection, """
            UPDATE device_tokens SET revoked_at = @now WHERE device_id = @id AND label = @label AND revoked_at IS NULL
            """,
            ("id", deviceId), ("label", label), ("now", database.Instant(timeProvider.GetUtcNow())));
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async Task<IReadOnlyList<TokenInfo>> ListTokensAsync(string deviceId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = AccountDatabase.Command(connection, """
            SELECT label, created_at, last_used_at, revoked_at FROM device_tokens WHERE device_id = @id ORDER BY id
            """, ("id", deviceId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var tokens = new List<TokenInfo>();
        while (await reader.ReadAsync(cancellationToken))
        {
            tokens.Add(new TokenInfo(reader.GetString(0), AccountDatabase.ReadInstant(reader, 1)!.Value,
                AccountDatabase.ReadInstant(reader, 2), AccountDatabase.ReadInstant(reader, 3)));
        }

        return tokens;
    }

    /// <summary>
    /// The live token with this hash: an indexed lookup, then a constant-time comparison of the stored hash.
    /// Never cached, so a revocation holds at once on every replica.
    /// </summary>
    public async Task<(long TokenId, string DeviceId, DateTimeOffset? LastUsed)?> FindByTokenHashAsync(byte[] hash, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = AccountDatabase.Command(connection, """
            SELECT id, device_id, token_hash, last_used_at FROM device_tokens WHERE token_hash = @hash AND revoked_at IS NULL
            """, ("hash", hash));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken) || !CryptographicOperations.FixedTimeEquals((byte[])reader.GetValue(2), hash))
        {
            return null;
        }

        return (reader.GetInt64(0), reader.GetString(1), AccountDatabase.ReadInstant(reader, 3));
    }

    public async Task TouchTokenAsync(long tokenId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = AccountDatabase.Command(connection, "UPDATE device_tokens SET last_used_at = @now WHERE id = @id",
            ("id", tokenId), ("now", database.Instant(now)));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<GridTariffPeriod>> ListTariffsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = AccountDatabase.Command(connection,
            "SELECT grid_area, valid_from, valid_to, eur_per_kw_year FROM grid_tariffs ORDER BY grid_area, valid_from");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var periods = new List<GridTariffPeriod>();
        while (await reader.ReadAsync(cancellationToken))
        {
            periods.Add(new GridTariffPeriod(reader.GetString(0), AccountDatabase.ReadDate(reader, 1), AccountDatabase.ReadDate(reader, 2),
                AccountDatabase.ReadDecimal(reader, 3)!.Value));
        }

        return periods;
    }

    /// <summary>Adds or replaces the tariff period of a grid area that starts on <see cref="GridTariffPeriod.ValidFrom"/>.</summary>
    public async Task SaveTariffAsync(GridTariffPeriod period, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(period);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = AccountDatabase.Command(connection, """
            INSERT INTO grid_tariffs (grid_area, valid_from, valid_to, eur_per_kw_year) VALUES (@area, @from, @to, @eur)
            ON CONFLICT (grid_area, valid_from) DO UPDATE SET valid_to = excluded.valid_to, eur_per_kw_year = excluded.eur_per_kw_year
            """,
            ("area", period.GridArea), ("from", database.Date(period.ValidFrom)), ("to", database.Date(period.ValidTo)),
            ("eur", database.Number(period.EurPerKwYear)));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    internal static async Task<string> NextLabelAsync(DbConnection connection, string table, string ownerColumn, object owner, CancellationToken cancellationToken)
    {
        await using var command = AccountDatabase.Command(connection, $"SELECT count(*) FROM {table} WHERE {ownerColumn} = @owner", ("owner", owner));
        var count = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        return count == 0 ? "default" : $"token-{count + 1}";
    }
}

/// <summary>A token as listed: never its secret.</summary>
public sealed record TokenInfo(string Label, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);
