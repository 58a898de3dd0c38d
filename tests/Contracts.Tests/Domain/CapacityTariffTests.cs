using P1Telemetry.Contracts.Domain;

namespace P1Telemetry.Contracts.Tests.Domain;

public sealed class CapacityTariffTests
{
    private static LocalMonth M(int year, int month) => new(year, month);

    [Theory]
    [InlineData(0, 2500)]
    [InlineData(1800, 2500)]
    [InlineData(2500, 2500)]
    [InlineData(4321.5, 4321.5)]
    public void The_billed_peak_is_at_least_2500_W(double peak, double billed) =>
        Assert.Equal(billed, CapacityTariff.BilledPeakW(peak));

    [Fact]
    public void The_rolling_average_uses_only_the_months_a_new_history_has()
    {
        var billed = new Dictionary<LocalMonth, double>
        {
            [M(2026, 1)] = 3000,
            [M(2026, 2)] = CapacityTariff.BilledPeakW(2000),
            [M(2026, 3)] = 4000,
        };

        Assert.Equal(3000, CapacityTariff.RollingAverageW(M(2026, 1), billed));
        Assert.Equal(2750, CapacityTariff.RollingAverageW(M(2026, 2), billed));
        Assert.Equal(9500 / 3.0, CapacityTariff.RollingAverageW(M(2026, 3), billed)!.Value, 9);
        Assert.Null(CapacityTariff.RollingAverageW(M(2026, 4), billed));
        Assert.Null(CapacityTariff.RollingAverageW(M(2025, 12), billed));
    }

    [Fact]
    public void A_month_without_data_inside_the_window_is_left_out_of_the_mean()
    {
        var billed = new Dictionary<LocalMonth, double> { [M(2026, 1)] = 3000, [M(2026, 3)] = 4000 };

        Assert.Equal(3500, CapacityTariff.RollingAverageW(M(2026, 3), billed));
    }

    [Fact]
    public void After_twelve_months_the_oldest_month_drops_out()
    {
        // January 2025 at 10 kW, then eleven months at 3 kW, then 5 kW in January 2026.
        var billed = Enumerable.Range(0, 12).ToDictionary(i => M(2025, 1).AddMonths(i), i => i == 0 ? 10_000.0 : 3000.0);
        billed[M(2026, 1)] = 5000;

        Assert.Equal((10_000 + (11 * 3000)) / 12.0, CapacityTariff.RollingAverageW(M(2025, 12), billed)!.Value, 9);
        Assert.Equal((5000 + (11 * 3000)) / 12.0, CapacityTariff.RollingAverageW(M(2026, 1), billed)!.Value, 9);
    }

    [Theory]
    // Rolling average 3 kW → cost = tariff / 4 excl. VAT; incl. 6 % VAT computed before rounding.
    [InlineData("Antwerpen", "12.35", "13.09")]
    [InlineData("Halle-Vilvoorde", "14.01", "14.85")]
    [InlineData("Imewo", "13.55", "14.36")]
    [InlineData("Kempen", "14.05", "14.90")]
    [InlineData("Limburg", "12.26", "13.00")]
    [InlineData("Midden-Vlaanderen", "12.53", "13.28")]
    [InlineData("West", "14.28", "15.13")]
    [InlineData("Zenne-Dijle", "14.03", "14.87")]
    public void The_monthly_cost_per_grid_area(string area, string excl, string incl)
    {
        Assert.True(GridTariffs.TryGet(area, out var tariff));

        var cost = new CapacityTariff(tariff, 6).CostForMonth(3000);

        Assert.Equal(decimal.Parse(excl, System.Globalization.CultureInfo.InvariantCulture), cost.ExclVat);
        Assert.Equal(decimal.Parse(incl, System.Globalization.CultureInfo.InvariantCulture), cost.InclVat);
    }

    [Fact]
    public void An_explicit_tariff_and_VAT_rate_apply_as_given()
    {
        var cost = new CapacityTariff(60m, 21m).CostForMonth(4500);

        // 4.5 kW × 60 / 12 = 22.50; × 1.21 = 27.225 → 27.23.
        Assert.Equal(22.50m, cost.ExclVat);
        Assert.Equal(27.23m, cost.InclVat);
    }

    [Theory]
    [InlineData("Fluvius Halle-Vilvoorde", "hallevilvoorde")]
    [InlineData("midden_vlaanderen", "middenvlaanderen")]
    [InlineData("  ZENNE DIJLE ", "zennedijle")]
    [InlineData("fluvius-west", "west")]
    public void Grid_area_names_are_normalized(string name, string key)
    {
        Assert.Equal(key, GridTariffs.Normalize(name));
        Assert.True(GridTariffs.TryGet(name, out _));
    }

    [Theory]
    [InlineData("Brussels")]
    [InlineData("")]
    [InlineData(null)]
    public void Unknown_grid_areas_have_no_tariff(string? name) => Assert.False(GridTariffs.TryGet(name, out _));
}
