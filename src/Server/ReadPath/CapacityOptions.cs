using P1Telemetry.Contracts.Domain;

namespace P1Telemetry.Server.ReadPath;

/// <summary>Settings of the capacity tariff and of local time.</summary>
public sealed class CapacityOptions
{
    /// <summary>The IANA zone whose days and months the capacity tariff and the series use.</summary>
    [ConfigurationKeyName("TIMEZONE")]
    public string TimeZone { get; set; } = "Europe/Brussels";

    /// <summary>A Flemish grid area (see <see cref="GridTariffs"/>); ignored when an explicit tariff is set.</summary>
    [ConfigurationKeyName("GRID_AREA")]
    public string? GridArea { get; set; }

    /// <summary>The capacity tariff in EUR per kW per year, excluding VAT; wins over <see cref="GridArea"/>.</summary>
    [ConfigurationKeyName("CAPACITY_TARIFF_EUR_PER_KW_YEAR")]
    public decimal? TariffEurPerKwYear { get; set; }

    [ConfigurationKeyName("VAT_PCT")]
    public decimal VatPct { get; set; } = 6;

    /// <summary>The configured tariff, or null when neither a tariff nor a grid area is set (costs are then omitted).</summary>
    public CapacityTariff? Tariff()
    {
        if (TariffEurPerKwYear is { } explicitTariff)
        {
            return new CapacityTariff(explicitTariff, VatPct);
        }

        return GridTariffs.TryGet(GridArea, out var areaTariff) ? new CapacityTariff(areaTariff, VatPct) : null;
    }
}
