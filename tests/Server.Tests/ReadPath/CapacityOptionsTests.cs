using Microsoft.Extensions.Time.Testing;
using P1Telemetry.Server.ReadPath;
using P1Telemetry.Server.Tests.Support;
using static P1Telemetry.Server.Tests.ReadPath.ReadSamples;

namespace P1Telemetry.Server.Tests.ReadPath;

public sealed class CapacityOptionsTests
{
    [Theory]
    [InlineData("Mars/Olympus", null, null, 6, "TIMEZONE")]
    [InlineData("Asia/Kolkata", null, null, 6, null)]
    [InlineData("Europe/Brussels", "Brussel", null, 6, "GRID_AREA")]
    [InlineData("Europe/Brussels", null, -3.0, 6, "CAPACITY_TARIFF_EUR_PER_KW_YEAR")]
    [InlineData("Europe/Brussels", "Kempen", null, 150, "VAT_PCT")]
    [InlineData("Europe/Brussels", "fluvius kempen", null, 21, null)]
    [InlineData("Europe/Brussels", "Brussel", 45.5, 6, null)]
    public void Invalid_settings_are_refused_naming_the_variable(string zone, string? area, double? tariff, double vat, string? failing)
    {
        var options = new CapacityOptions { TimeZone = zone, GridArea = area, TariffEurPerKwYear = (decimal?)tariff, VatPct = (decimal)vat };

        var result = new CapacityOptionsValidator().Validate(null, options);

        if (failing is null)
        {
            Assert.True(result.Succeeded, result.FailureMessage);
        }
        else
        {
            Assert.True(result.Failed);
            Assert.StartsWith(failing, result.FailureMessage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void An_explicit_tariff_wins_over_the_grid_area_and_none_means_no_costs()
    {
        Assert.Equal(45.5m, new CapacityOptions { GridArea = "West", TariffEurPerKwYear = 45.5m }.Tariff()!.EurPerKwYear);
        Assert.Equal(57.10m, new CapacityOptions { GridArea = "Fluvius West" }.Tariff()!.EurPerKwYear);
        Assert.Equal(21m, new CapacityOptions { GridArea = "West", VatPct = 21 }.Tariff()!.VatPct);
        Assert.Null(new CapacityOptions().Tariff());
    }

    [Fact]
    public async Task Settled_periods_are_served_from_the_cache_and_running_ones_never()
    {
        using var caches = new ReadCaches(new FakeTimeProvider(Utc("2026-03-15T10:00:00Z")));
        var computed = 0;
        Task<byte[]> Compute(CancellationToken _) => Task.FromResult(new[] { (byte)++computed });

        Assert.Equal(Utc("2026-03-14T23:00:00Z"), caches.History.SettledBefore());
        await caches.History.GetOrCreateAsync("meter-1", "settled", Utc("2026-03-14T23:00:00Z"), Compute, default);
        var again = await caches.History.GetOrCreateAsync("meter-1", "settled", Utc("2026-03-14T23:00:00Z"), Compute, default);
        await caches.History.GetOrCreateAsync("meter-1", "running", Utc("2026-03-15T23:00:00Z"), Compute, default);
        var running = await caches.History.GetOrCreateAsync("meter-1", "running", Utc("2026-03-15T23:00:00Z"), Compute, default);

        Assert.Equal([1], again);
        Assert.Equal([3], running);
    }
}
