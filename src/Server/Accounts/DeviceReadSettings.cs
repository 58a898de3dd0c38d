using System.Globalization;
using P1Telemetry.Contracts.Domain;

namespace P1Telemetry.Server.Accounts;

/// <summary>
/// A device's effective settings for the read path: its own values, or the server-wide defaults where it has
/// none. The tariff is resolved per month, so a past month is costed at the tariff valid then.
/// </summary>
public sealed class DeviceReadSettings
{
    private readonly IReadOnlyList<GridTariffPeriod> _areaPeriods;

    public DeviceReadSettings(
        string name, LocalCalendar calendar, string timeZoneId, string? gridArea, decimal? explicitTariff, decimal vatPct,
        int? goalPeakW, IReadOnlyList<GridTariffPeriod> areaPeriods, string tariffsVersion)
    {
        Name = name;
        Calendar = calendar;
        TimeZoneId = timeZoneId;
        GridArea = gridArea;
        ExplicitTariffEurPerKwYear = explicitTariff;
        VatPct = vatPct;
        GoalPeakW = goalPeakW;
        _areaPeriods = areaPeriods;
        CacheKey = string.Create(CultureInfo.InvariantCulture, $"{timeZoneId}:{gridArea}:{explicitTariff}:{vatPct}:{tariffsVersion}");
    }

    public string Name { get; }

    public LocalCalendar Calendar { get; }

    public string TimeZoneId { get; }

    public string? GridArea { get; }

    public decimal? ExplicitTariffEurPerKwYear { get; }

    public decimal VatPct { get; }

    public int? GoalPeakW { get; }

    /// <summary>Part of every cached read of the device: entries computed under other settings never match.</summary>
    public string CacheKey { get; }

    /// <summary>
    /// The explicit tariff, or the grid area's tariff valid on the month's first day (a month outside every
    /// period of its area is costed at the nearest period); null without either.
    /// </summary>
    public CapacityTariff? TariffFor(LocalMonth month)
    {
        if (ExplicitTariffEurPerKwYear is { } explicitTariff)
        {
            return new CapacityTariff(explicitTariff, VatPct);
        }

        if (_areaPeriods.Count == 0)
        {
            return null;
        }

        var first = new DateOnly(month.Year, month.Month, 1);
        GridTariffPeriod? nearest = null;
        var distance = int.MaxValue;
        foreach (var period in _areaPeriods)
        {
            if (period.ValidFrom <= first && first < period.ValidTo)
            {
                return new CapacityTariff(period.EurPerKwYear, VatPct);
            }

            var d = first < period.ValidFrom
                ? period.ValidFrom.DayNumber - first.DayNumber
                : first.DayNumber - period.ValidTo.DayNumber + 1;
            if (d < distance)
            {
                (nearest, distance) = (period, d);
            }
        }

        return new CapacityTariff(nearest!.EurPerKwYear, VatPct);
    }
}
