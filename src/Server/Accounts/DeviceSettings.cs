namespace P1Telemetry.Server.Accounts;

/// <summary>
/// What is stored per device; null fields fall back to the server-wide defaults (TIMEZONE, GRID_AREA,
/// CAPACITY_TARIFF_EUR_PER_KW_YEAR, VAT_PCT).
/// </summary>
public sealed record DeviceSettings(
    string DeviceId,
    string Name,
    string? TimeZone,
    string? GridArea,
    decimal? TariffEurPerKwYear,
    decimal? VatPct,
    int? GoalPeakW)
{
    /// <summary>Whether alerts are evaluated for the device; null: ALERTS_ENABLED.</summary>
    public bool? AlertsEnabled { get; init; }

    /// <summary>The share of the target (in %) above which the projection puts the quarter at risk; null: ALERT_RISK_PCT.</summary>
    public int? AlertRiskPct { get; init; }

    /// <summary>Minutes without a reading before <c>no_data</c>; null: ALERT_NO_DATA_MIN.</summary>
    public int? AlertNoDataMin { get; init; }

    /// <summary>The device's own ntfy topic URL; null: NTFY_URL.</summary>
    public string? NtfyUrl { get; init; }

    /// <summary>Bearer token of the device's ntfy topic; write-only through the API.</summary>
    public string? NtfyToken { get; init; }

    /// <summary>The device's own webhook; null: WEBHOOK_URL.</summary>
    public string? WebhookUrl { get; init; }

    /// <summary>The HMAC key of the device's webhook; write-only through the API.</summary>
    public string? WebhookSecret { get; init; }

    public static DeviceSettings Unconfigured(string deviceId) => new(deviceId, deviceId, null, null, null, null, null);
}

/// <summary>A grid area's capacity tariff from <see cref="ValidFrom"/> until before <see cref="ValidTo"/>.</summary>
public sealed record GridTariffPeriod(string GridArea, DateOnly ValidFrom, DateOnly ValidTo, decimal EurPerKwYear);
