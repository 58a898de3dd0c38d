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
    public static DeviceSettings Unconfigured(string deviceId) => new(deviceId, deviceId, null, null, null, null, null);
}

/// <summary>A grid area's capacity tariff from <see cref="ValidFrom"/> until before <see cref="ValidTo"/>.</summary>
public sealed record GridTariffPeriod(string GridArea, DateOnly ValidFrom, DateOnly ValidTo, decimal EurPerKwYear);
