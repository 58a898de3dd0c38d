using P1Telemetry.MeterSimulator.Meter;

namespace P1Telemetry.MeterSimulator.Tests;

public sealed class TelegramGeneratorTests
{
    internal static readonly TimeZoneInfo Brussels = TimeZoneInfo.FindSystemTimeZoneById("Europe/Brussels");

    private static List<Telegram> Generate(int seed, DateTimeOffset start, int count, int intervalSeconds = 1)
    {
        var generator = new TelegramGenerator(seed, start, TimeSpan.FromSeconds(intervalSeconds), Brussels);
        return [.. Enumerable.Range(0, count).Select(_ => generator.Next())];
    }

    [Fact]
    public void Same_seed_and_start_give_the_same_sequence_and_another_seed_does_not()
    {
        var start = new DateTimeOffset(2026, 6, 10, 16, 0, 0, TimeSpan.Zero);
        var a = Generate(7, start, 3_000);
        var b = Generate(7, start, 3_000);
        var c = Generate(8, start, 3_000);

        Assert.Equal(a, b);
        Assert.NotEqual(a.Select(t => t.PowerW), c.Select(t => t.PowerW));
    }

    [Fact]
    public void A_stretch_generated_on_its_own_shows_the_same_power_as_within_a_longer_run()
    {
        var start = new DateTimeOffset(2026, 6, 10, 16, 0, 0, TimeSpan.Zero);
        var longRun = Generate(3, start, 2_000);
        var later = Generate(3, start.AddSeconds(1_000), 1_000);

        Assert.Equal(longRun.Skip(1_000).Select(t => (t.TsUtc, t.PowerW, t.PowerL1W)), later.Select(t => (t.TsUtc, t.PowerW, t.PowerL1W)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    public void Meter_timestamp_advances_one_interval_per_telegram_in_local_time(int intervalSeconds)
    {
        var start = new DateTimeOffset(2026, 1, 5, 11, 0, 0, TimeSpan.Zero);
        var telegrams = Generate(1, start, 100, intervalSeconds);

        Assert.Equal(new DateTime(2026, 1, 5, 12, 0, 0), telegrams[0].MeterTimestamp);
        for (var i = 1; i < telegrams.Count; i++)
        {
            Assert.Equal(TimeSpan.FromSeconds(intervalSeconds), telegrams[i].TsUtc - telegrams[i - 1].TsUtc);
            Assert.Equal(TimeSpan.FromSeconds(intervalSeconds), telegrams[i].MeterTimestamp - telegrams[i - 1].MeterTimestamp);
        }
    }

    [Fact]
    public void Meter_clock_jumps_from_2_to_3_at_the_spring_DST_change()
    {
        // 2026-03-29 01:00 UTC is 02:00 CET, which becomes 03:00 CEST.
        var telegrams = Generate(1, new DateTimeOffset(2026, 3, 29, 0, 59, 58, TimeSpan.Zero), 4);

        Assert.Equal(
            [new DateTime(2026, 3, 29, 1, 59, 58), new DateTime(2026, 3, 29, 1, 59, 59), new DateTime(2026, 3, 29, 3, 0, 0), new DateTime(2026, 3, 29, 3, 0, 1)],
            telegrams.Select(t => t.MeterTimestamp));
    }

    [Fact]
    public void Power_is_the_sum_of_the_phases()
    {
        var telegrams = Generate(5, new DateTimeOffset(2026, 7, 1, 5, 0, 0, TimeSpan.Zero), 20_000);
        Assert.All(telegrams, t => Assert.Equal(t.PowerL1W + t.PowerL2W + t.PowerL3W, t.PowerW));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    public void Registers_integrate_power_second_by_second_within_the_meters_1_Wh_resolution(int intervalSeconds)
    {
        // Spans a weekday morning tariff change (07:00 local) and PV export around noon.
        var start = new DateTimeOffset(2026, 6, 9, 4, 0, 0, TimeSpan.Zero);
        var telegrams = Generate(11, start, 10 * 3600 / intervalSeconds, intervalSeconds);
        var first = telegrams[0];
        var last = telegrams[^1];
        // A meter integrates continuously: every second counts, whatever the telegram interval.
        var profile = new HouseholdProfile(11, Brussels);
        var seconds = Enumerable.Range(1, (int)(last.TsUtc - first.TsUtc).TotalSeconds).Select(s => profile.PowerAt(first.TsUtc.AddSeconds(s)).Total).ToList();
        var importedJ = seconds.Sum(p => (long)Math.Max(p, 0));
        var exportedJ = seconds.Sum(p => (long)Math.Max(-p, 0));

        var importDeltaWh = (last.ImportT1Wh + last.ImportT2Wh) - (first.ImportT1Wh + first.ImportT2Wh);
        var exportDeltaWh = (last.ExportT1Wh + last.ExportT2Wh) - (first.ExportT1Wh + first.ExportT2Wh);

        // Each register shows whole Wh (rounded down): two tariff registers, each at most 1 Wh off at either end.
        Assert.InRange(importDeltaWh - (importedJ / 3600.0), -2, 2);
        Assert.InRange(exportDeltaWh - (exportedJ / 3600.0), -2, 2);
        Assert.True(importDeltaWh > 1_000, "a household imports more than 1 kWh in 10 hours");
        Assert.True(last.ImportT1Wh > first.ImportT1Wh && last.ImportT2Wh > first.ImportT2Wh, "both tariffs were booked");
    }

    [Fact]
    public void A_10_s_meter_shows_the_registers_and_quarter_figures_of_a_1_s_meter_at_the_same_instants()
    {
        var start = new DateTimeOffset(2026, 2, 3, 17, 4, 10, TimeSpan.Zero);
        var everySecond = Generate(4, start, 3 * 3600);
        var everyTenSeconds = Generate(4, start, 3 * 360, intervalSeconds: 10);

        var subsample = everySecond.Where(t => t.TsUtc.Second % 10 == 0).ToList();
        Assert.Equal(subsample, everyTenSeconds);
        Assert.Contains(everyTenSeconds, t => t.AveragePower15mW > 1_000);
    }

    [Fact]
    public void Registers_never_step_backwards()
    {
        var telegrams = Generate(2, new DateTimeOffset(2026, 5, 2, 0, 0, 0, TimeSpan.Zero), 30_000);
        for (var i = 1; i < telegrams.Count; i++)
        {
            Assert.True(telegrams[i].ImportT1Wh >= telegrams[i - 1].ImportT1Wh);
            Assert.True(telegrams[i].ImportT2Wh >= telegrams[i - 1].ImportT2Wh);
            Assert.True(telegrams[i].ExportT1Wh >= telegrams[i - 1].ExportT1Wh);
            Assert.True(telegrams[i].ExportT2Wh >= telegrams[i - 1].ExportT2Wh);
            Assert.True(telegrams[i].GasLitres >= telegrams[i - 1].GasLitres);
        }
    }

    [Fact]
    public void Anchored_registers_only_grow_with_the_start_instant()
    {
        var earlier = TelegramGenerator.AnchoredRegisters(3, Brussels, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var later = TelegramGenerator.AnchoredRegisters(3, Brussels, new DateTimeOffset(2026, 1, 2, 0, 0, 0, TimeSpan.Zero));
        var grown = later - earlier;

        Assert.InRange(grown.ImportT1J + grown.ImportT2J, 1 * 3_600_000L, 60 * 3_600_000L);
        Assert.True(grown.ExportT1J >= 0 && grown.ExportT2J >= 0 && grown.GasLitres > 0);
    }

    [Fact]
    public void Tariff_follows_the_Belgian_day_night_and_weekend_schedule()
    {
        Assert.Equal(2, BelgianTariffSchedule.TariffAt(new DateTime(2026, 6, 9, 6, 59, 59)));
        Assert.Equal(1, BelgianTariffSchedule.TariffAt(new DateTime(2026, 6, 9, 7, 0, 0)));
        Assert.Equal(1, BelgianTariffSchedule.TariffAt(new DateTime(2026, 6, 9, 21, 59, 59)));
        Assert.Equal(2, BelgianTariffSchedule.TariffAt(new DateTime(2026, 6, 9, 22, 0, 0)));
        Assert.Equal(2, BelgianTariffSchedule.TariffAt(new DateTime(2026, 6, 13, 12, 0, 0)));
    }

    [Fact]
    public void Average_power_15m_is_the_offtake_energy_so_far_in_the_clock_quarter_times_four()
    {
        var start = new DateTimeOffset(2026, 2, 3, 17, 0, 0, TimeSpan.Zero);
        var telegrams = Generate(4, start, 2 * 3600);

        long quarterJ = 0;
        foreach (var t in telegrams)
        {
            var atBoundary = t.TsUtc.Minute % 15 == 0 && t.TsUtc.Second == 0;
            quarterJ = atBoundary ? 0 : quarterJ + Math.Max(t.PowerW, 0);
            Assert.Equal((int)(quarterJ * 4 / 3600), t.AveragePower15mW);
        }

        Assert.Contains(telegrams, t => t.AveragePower15mW > 100);
    }

    [Fact]
    public void A_meter_started_within_a_quarter_already_holds_the_quarters_energy_so_far()
    {
        var quarterStart = new DateTimeOffset(2026, 2, 3, 17, 0, 0, TimeSpan.Zero);
        var fromQuarterStart = Generate(4, quarterStart, 600);
        var startedLater = Generate(4, quarterStart.AddSeconds(420), 180);

        Assert.Equal(fromQuarterStart.Skip(420).Select(t => t.AveragePower15mW), startedLater.Select(t => t.AveragePower15mW));
    }

    [Fact]
    public void Monthly_peak_is_the_highest_completed_quarter_and_carries_its_end_time()
    {
        // The first of a month: no earlier peak, so every peak comes from a quarter seen here.
        var start = new DateTimeOffset(2026, 4, 30, 22, 0, 0, TimeSpan.Zero); // 2026-05-01 00:00 CEST
        var telegrams = Generate(9, start, (24 * 3600) + 1);

        var quarterValues = new List<(DateTime End, int Value)>();
        long quarterJ = 0;
        foreach (var t in telegrams.Skip(1))
        {
            quarterJ += Math.Max(t.PowerW, 0);
            if (t.TsUtc.Minute % 15 == 0 && t.TsUtc.Second == 0)
            {
                quarterValues.Add((t.MeterTimestamp, (int)(quarterJ * 4 / 3600)));
                quarterJ = 0;
                var best = quarterValues.MaxBy(q => q.Value);
                Assert.Equal(best.Value, t.MonthlyPowerPeakW);
                Assert.Equal(quarterValues.First(q => q.Value == best.Value).End, t.MonthlyPowerPeakTimestamp);
            }
        }

        Assert.Null(telegrams[0].MonthlyPowerPeakW);
        Assert.Equal(96, quarterValues.Count);
        Assert.True(telegrams[^1].MonthlyPowerPeakW > 1_000, "a day holds some quarter above 1 kW");
    }

    [Fact]
    public void Monthly_peak_resets_at_local_midnight_of_the_first()
    {
        // 2026-03-31 23:30 CEST → 2026-04-01.
        var telegrams = Generate(9, new DateTimeOffset(2026, 3, 31, 21, 30, 0, TimeSpan.Zero), 3_600);
        var lastOfMarch = telegrams.Last(t => t.MeterTimestamp < new DateTime(2026, 4, 1));
        var midnight = telegrams.Single(t => t.MeterTimestamp == new DateTime(2026, 4, 1));
        var firstQuarterEnd = telegrams.Single(t => t.MeterTimestamp == new DateTime(2026, 4, 1, 0, 15, 0));

        Assert.NotNull(lastOfMarch.MonthlyPowerPeakW);
        Assert.Equal(3, lastOfMarch.MonthlyPowerPeakTimestamp!.Value.Month);
        Assert.Null(midnight.MonthlyPowerPeakW);
        Assert.Equal(new DateTime(2026, 4, 1, 0, 15, 0), firstQuarterEnd.MonthlyPowerPeakTimestamp);
        Assert.Equal(firstQuarterEnd.MonthlyPowerPeakTsUtc, firstQuarterEnd.TsUtc);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    public void A_meter_started_mid_month_shows_the_peak_it_would_have_reached_running_since_the_1st(int intervalSeconds)
    {
        // From local midnight of 2026-05-01 to the 3rd, 12:00:10 local (a peak reached after the start must update it too).
        var monthStart = new DateTimeOffset(2026, 4, 30, 22, 0, 0, TimeSpan.Zero);
        var midMonth = new DateTimeOffset(2026, 5, 3, 10, 0, 10, TimeSpan.Zero);
        var sinceTheFirst = new TelegramGenerator(9, monthStart, TimeSpan.FromSeconds(intervalSeconds), Brussels);
        while (sinceTheFirst.NextInstant < midMonth)
        {
            sinceTheFirst.Next();
        }

        // The registers are anchored per start instant; everything the quarter and the month figures say is the same.
        static object Figures(Telegram t) => (t.TsUtc, t.PowerW, t.AveragePower15mW, t.MonthlyPowerPeakW, t.MonthlyPowerPeakTimestamp, t.MonthlyPowerPeakTsUtc, t.GasTsUtc);
        var startedMidMonth = new TelegramGenerator(9, midMonth, TimeSpan.FromSeconds(intervalSeconds), Brussels);
        for (var i = 0; i < 3 * 3600 / intervalSeconds; i++)
        {
            Assert.Equal(Figures(sinceTheFirst.Next()), Figures(startedMidMonth.Next()));
        }

        Assert.True(startedMidMonth.Next().MonthlyPowerPeakW > 1_000, "two days and a half hold some quarter above 1 kW");
    }

    [Fact]
    public void Gas_is_read_every_five_minutes()
    {
        var telegrams = Generate(2, new DateTimeOffset(2026, 1, 14, 6, 2, 0, TimeSpan.Zero), 3_600);

        var gasTimes = telegrams.Select(t => t.GasTimestamp).Distinct().ToList();
        Assert.All(gasTimes, g => Assert.True(g.Minute % 5 == 0 && g.Second == 0));
        Assert.Equal(13, gasTimes.Count); // 07:00 local, then 12 more reads in the hour
        Assert.All(telegrams, t => Assert.True(t.GasTimestamp <= t.MeterTimestamp));
        Assert.True(telegrams[^1].GasLitres > telegrams[0].GasLitres, "a January morning burns gas");
    }

    [Fact]
    public void Household_exports_around_noon_and_draws_kilowatt_peaks_in_the_evening()
    {
        var seed = Enumerable.Range(1, 50).First(s => new HouseholdProfile(s, Brussels).PvPeakW > 4_000);
        var telegrams = Generate(seed, new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero), 7 * 24 * 360, intervalSeconds: 10);

        Assert.Contains(telegrams, t => t.MeterTimestamp.Hour is >= 11 and <= 15 && t.PowerW < -1_000);
        Assert.All(telegrams.Where(t => t.MeterTimestamp.Hour is >= 23 or < 5), t => Assert.True(t.PowerW > 0));
        Assert.Contains(telegrams, t => t.MeterTimestamp.Hour is >= 17 and <= 23 && t.PowerW > 2_500);
        Assert.Contains(telegrams, t => t.PowerL1W != t.PowerL2W && t.PowerL2W != t.PowerL3W);
    }

    [Fact]
    public void Glitches_change_the_import_register_of_one_telegram()
    {
        var telegram = Generate(1, new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero), 1)[0];

        Assert.Equal(telegram.ImportT1Wh - Glitches.BackwardsWh, Glitches.Apply(telegram, RegisterGlitch.Backwards).ImportT1Wh);
        Assert.Equal(telegram.ImportT1Wh + Glitches.SpikeWh, Glitches.Apply(telegram, RegisterGlitch.Spike).ImportT1Wh);
    }
}
