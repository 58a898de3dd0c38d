using Microsoft.Extensions.Options;
using P1Telemetry.Contracts.Domain;

namespace P1Telemetry.Server.ReadPath;

/// <summary>Refuses to start with a time zone, grid area, tariff or VAT rate that cannot be used.</summary>
public sealed class CapacityOptionsValidator : IValidateOptions<CapacityOptions>
{
    public ValidateOptionsResult Validate(string? name, CapacityOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(options.TimeZone, out var zone))
        {
            failures.Add($"TIMEZONE '{options.TimeZone}' is not a known IANA time zone (e.g. Europe/Brussels).");
        }
        else if (!HasQuarterHourOffsets(zone))
        {
            failures.Add($"TIMEZONE '{options.TimeZone}' has UTC offsets that are not whole quarter-hours; quarter-hour slots are aligned in UTC.");
        }

        if (options.TariffEurPerKwYear is null && !string.IsNullOrWhiteSpace(options.GridArea) && !GridTariffs.TryGet(options.GridArea, out _))
        {
            failures.Add($"GRID_AREA '{options.GridArea}' is not a Flemish grid area; use one of "
                + "Antwerpen, Halle-Vilvoorde, Imewo, Kempen, Limburg, Midden-Vlaanderen, West, Zenne-Dijle, "
                + "or set CAPACITY_TARIFF_EUR_PER_KW_YEAR.");
        }

        if (options.TariffEurPerKwYear is { } tariff && (tariff <= 0 || tariff > 10_000))
        {
            failures.Add($"CAPACITY_TARIFF_EUR_PER_KW_YEAR must be a positive amount in EUR per kW per year, not {tariff}.");
        }

        if (options.VatPct < 0 || options.VatPct > 100)
        {
            failures.Add($"VAT_PCT must be between 0 and 100, not {options.VatPct}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    internal static bool HasQuarterHourOffsets(TimeZoneInfo zone)
    {
        var quarter = QuarterHour.Length.Ticks;
        // Only the years the read path answers for matter: many zones had odd local mean time offsets before 1900.
        var from = new DateTime(ReadLimits.FirstYear, 1, 1);
        return zone.BaseUtcOffset.Ticks % quarter == 0
            && zone.GetAdjustmentRules().Where(rule => rule.DateEnd >= from).All(rule =>
                rule.DaylightDelta.Ticks % quarter == 0 && rule.BaseUtcOffsetDelta.Ticks % quarter == 0);
    }
}
