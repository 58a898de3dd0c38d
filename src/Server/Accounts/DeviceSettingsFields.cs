using System.Text.Json;
using P1Telemetry.Contracts.Domain;
using P1Telemetry.Server.Alerts;
using P1Telemetry.Server.ReadPath;

namespace P1Telemetry.Server.Accounts;

/// <summary>
/// The fields of <c>PUT /v1/devices/{id}/settings</c>, each with its validation. A new setting is one more
/// entry here, a property of <see cref="DeviceSettings"/> and a column of <c>devices</c>.
/// </summary>
public static class DeviceSettingsFields
{
    public const int MaxNameLength = 100;

    private delegate DeviceSettings? Setter(DeviceSettings current, JsonElement value, DeviceSettingsCatalog catalog, out string? error);

    private static readonly (string Name, Setter Set)[] Fields =
    [
        ("name", SetName),
        ("timezone", SetTimeZone),
        ("grid_area", SetGridArea),
        ("tariff_eur_per_kw_year", SetTariff),
        ("vat_pct", SetVat),
        ("goal_peak_w", SetGoal),
        ("alerts_enabled", SetAlertsEnabled),
        ("alert_risk_pct", SetRiskPct),
        ("alert_no_data_min", SetNoDataMin),
        ("ntfy_url", (DeviceSettings c, JsonElement v, DeviceSettingsCatalog _, out string? e) => SetText(c, v, "ntfy_url", ChannelUrls.CheckHttp, (d, x) => d with { NtfyUrl = x }, out e)),
        ("ntfy_token", (DeviceSettings c, JsonElement v, DeviceSettingsCatalog _, out string? e) => SetText(c, v, "ntfy_token", x => ChannelUrls.CheckSecret(x, "a token"), (d, x) => d with { NtfyToken = x }, out e)),
        ("webhook_url", (DeviceSettings c, JsonElement v, DeviceSettingsCatalog _, out string? e) => SetText(c, v, "webhook_url", ChannelUrls.CheckHttp, (d, x) => d with { WebhookUrl = x }, out e)),
        ("webhook_secret", (DeviceSettings c, JsonElement v, DeviceSettingsCatalog _, out string? e) => SetText(c, v, "webhook_secret", x => ChannelUrls.CheckSecret(x, "a secret"), (d, x) => d with { WebhookSecret = x }, out e)),
    ];

    public static IEnumerable<string> Names => Fields.Select(f => f.Name);

    /// <summary>The settings after applying <paramref name="body"/>; null (with the field and reason) when it is not acceptable.</summary>
    public static DeviceSettings? Apply(DeviceSettings current, JsonElement body, DeviceSettingsCatalog catalog, out string? field, out string? error)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(catalog);
        if (body.ValueKind != JsonValueKind.Object)
        {
            (field, error) = ("body", "The body must be a JSON object of settings.");
            return null;
        }

        var result = current;
        foreach (var property in body.EnumerateObject())
        {
            var entry = Array.Find(Fields, f => f.Name == property.Name);
            if (entry.Set is null)
            {
                (field, error) = (ReadProblems.Shorten(property.Name), $"Unknown setting; the settings are {string.Join(", ", Names)}.");
                return null;
            }

            var next = entry.Set(result, property.Value, catalog, out error);
            if (next is null)
            {
                field = entry.Name;
                return null;
            }

            result = next;
        }

        if (result.WebhookUrl is not null && result.WebhookSecret is null)
        {
            (field, error) = ("webhook_secret", "webhook_secret must be set with webhook_url: every webhook is signed.");
            return null;
        }

        (field, error) = (null, null);
        return result;
    }

    private static DeviceSettings? SetName(DeviceSettings current, JsonElement value, DeviceSettingsCatalog catalog, out string? error)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            error = null;
            return current with { Name = current.DeviceId };
        }

        var name = value.ValueKind == JsonValueKind.String ? value.GetString()!.Trim() : null;
        if (name is not { Length: > 0 and <= MaxNameLength } || name.Any(char.IsControl))
        {
            error = $"name must be a text of 1-{MaxNameLength} printable characters.";
            return null;
        }

        error = null;
        return current with { Name = name };
    }

    private static DeviceSettings? SetTimeZone(DeviceSettings current, JsonElement value, DeviceSettingsCatalog catalog, out string? error)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            error = null;
            return current with { TimeZone = null };
        }

        var id = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        if (id is not { Length: > 0 and <= 64 } || !TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) || !zone.HasIanaId)
        {
            error = "timezone must be a known IANA time zone such as Europe/Brussels.";
            return null;
        }

        if (!CapacityOptionsValidator.HasQuarterHourOffsets(zone))
        {
            error = $"timezone '{id}' has UTC offsets that are not whole quarter-hours.";
            return null;
        }

        error = null;
        return current with { TimeZone = id };
    }

    private static DeviceSettings? SetGridArea(DeviceSettings current, JsonElement value, DeviceSettingsCatalog catalog, out string? error)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            error = null;
            return current with { GridArea = null };
        }

        var area = value.ValueKind == JsonValueKind.String ? GridTariffs.Normalize(value.GetString()!) : null;
        if (area is not { Length: > 0 } || !catalog.HasGridArea(area))
        {
            error = $"grid_area must be one of {string.Join(", ", catalog.GridAreas)}.";
            return null;
        }

        error = null;
        return current with { GridArea = area };
    }

    private static DeviceSettings? SetTariff(DeviceSettings current, JsonElement value, DeviceSettingsCatalog catalog, out string? error)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            error = null;
            return current with { TariffEurPerKwYear = null };
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDecimal(out var tariff) || tariff <= 0 || tariff > 10_000)
        {
            error = "tariff_eur_per_kw_year must be a positive number of EUR per kW per year (at most 10000), or null.";
            return null;
        }

        error = null;
        return current with { TariffEurPerKwYear = tariff };
    }

    private static DeviceSettings? SetVat(DeviceSettings current, JsonElement value, DeviceSettingsCatalog catalog, out string? error)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            error = null;
            return current with { VatPct = null };
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDecimal(out var vat) || vat < 0 || vat > 100)
        {
            error = "vat_pct must be a number between 0 and 100, or null.";
            return null;
        }

        error = null;
        return current with { VatPct = vat };
    }

    private static DeviceSettings? SetGoal(DeviceSettings current, JsonElement value, DeviceSettingsCatalog catalog, out string? error)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            error = null;
            return current with { GoalPeakW = null };
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var goal) || goal <= 0 || goal > 1_000_000)
        {
            error = "goal_peak_w must be a whole number of watts between 1 and 1000000, or null.";
            return null;
        }

        error = null;
        return current with { GoalPeakW = goal };
    }

    private static DeviceSettings? SetAlertsEnabled(DeviceSettings current, JsonElement value, DeviceSettingsCatalog catalog, out string? error)
    {
        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null))
        {
            error = "alerts_enabled must be true, false or null (the server's default).";
            return null;
        }

        error = null;
        return current with { AlertsEnabled = value.ValueKind == JsonValueKind.Null ? null : value.GetBoolean() };
    }

    private static DeviceSettings? SetRiskPct(DeviceSettings current, JsonElement value, DeviceSettingsCatalog catalog, out string? error)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            error = null;
            return current with { AlertRiskPct = null };
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var pct) || pct < 1 || pct > 100)
        {
            error = "alert_risk_pct must be a whole percentage between 1 and 100, or null.";
            return null;
        }

        error = null;
        return current with { AlertRiskPct = pct };
    }

    private static DeviceSettings? SetNoDataMin(DeviceSettings current, JsonElement value, DeviceSettingsCatalog catalog, out string? error)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            error = null;
            return current with { AlertNoDataMin = null };
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var minutes) || minutes < 1 || minutes > 10_080)
        {
            error = "alert_no_data_min must be a whole number of minutes between 1 and 10080, or null.";
            return null;
        }

        error = null;
        return current with { AlertNoDataMin = minutes };
    }

    /// <summary>A channel's URL or secret: a string that passes <paramref name="check"/>, or null to remove it.</summary>
    private static DeviceSettings? SetText(DeviceSettings current, JsonElement value, string name, Func<string, string?> check,
        Func<DeviceSettings, string?, DeviceSettings> set, out string? error)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            error = null;
            return set(current, null);
        }

        var text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        if (text is not { Length: > 0 })
        {
            error = $"{name} must be a non-empty string, or null to remove it.";
            return null;
        }

        if (check(text) is { } problem)
        {
            error = $"{name} {problem}";
            return null;
        }

        error = null;
        return set(current, text);
    }
}
