namespace P1Telemetry.Contracts.Domain;

/// <summary>The Flemish capacity-tariff rules: billed peak floor, rolling 12-month average, monthly cost.</summary>
/// <param name="EurPerKwYear">The grid area's tariff, excluding VAT.</param>
/// <param name="VatPct">VAT in percent (6 for households).</param>
public sealed record CapacityTariff(decimal EurPerKwYear, decimal VatPct)
{
    /// <summary>Every month is billed at least 2.5 kW, however low its peak.</summary>
    public const double MinimumBilledPeakW = 2500;

    public static double BilledPeakW(double monthlyPeakW) => Math.Max(monthlyPeakW, MinimumBilledPeakW);

    /// <summary>
    /// The mean of the billed peaks of the months that have data among the 12 months ending with
    /// <paramref name="month"/> (fewer at the start of a history); null when <paramref name="month"/> itself
    /// has no data.
    /// </summary>
    public static double? RollingAverageW(LocalMonth month, IReadOnlyDictionary<LocalMonth, double> billedPeaksW)
    {
        ArgumentNullException.ThrowIfNull(billedPeaksW);
        if (!billedPeaksW.ContainsKey(month))
        {
            return null;
        }

        var sum = 0.0;
        var count = 0;
        for (var back = 0; back < 12; back++)
        {
            if (billedPeaksW.TryGetValue(month.AddMonths(-back), out var peak))
            {
                sum += peak;
                count++;
            }
        }

        return sum / count;
    }

    /// <summary>One month's share: rolling average (kW) × tariff / 12, in EUR rounded to the cent.</summary>
    public MonthlyCost CostForMonth(double rollingAverageW)
    {
        var excl = (decimal)rollingAverageW / 1000m * EurPerKwYear / 12m;
        var incl = excl * (1m + (VatPct / 100m));
        return new MonthlyCost(
            Math.Round(excl, 2, MidpointRounding.AwayFromZero),
            Math.Round(incl, 2, MidpointRounding.AwayFromZero));
    }
}

/// <summary>A month's capacity-tariff cost in EUR.</summary>
public readonly record struct MonthlyCost(decimal ExclVat, decimal InclVat);
