using P1Telemetry.Contracts.Dsmr;

namespace P1Telemetry.Contracts.Tests.Dsmr;

public sealed class DsmrFixtureTests
{
    private static readonly TimeZoneInfo _brussels = TimeZoneInfo.FindSystemTimeZoneById("Europe/Brussels");

    /// <summary>The real Fluvius telegram with the CR LF line ends it has on the wire.</summary>
    internal static string FluviusTelegram() =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "dsmr", "fluvius-v171-telegram.txt"))
            .ReplaceLineEndings("\r\n");

    [Fact]
    public void The_crc_of_the_real_telegram_checks_out()
    {
        var text = FluviusTelegram();
        var body = text[..(text.IndexOf('!') + 1)];
        Assert.Equal(0xC4B0, DsmrCrc16.Compute(System.Text.Encoding.Latin1.GetBytes(body)));
    }

    [Fact]
    public void The_real_fluvius_telegram_parses_exactly()
    {
        var result = DsmrParser.Parse(FluviusTelegram());

        Assert.True(result.Succeeded, result.Error);
        var t = result.Telegram!;
        Assert.Equal("FLU5\\253769484_A", t.Header);
        Assert.Equal("50217", t.BelgianVersion);
        Assert.Equal(new DsmrTimestamp(new DateTime(2023, 11, 2, 12, 15, 48), 'W'), t.Timestamp);
        Assert.Equal(301.548m, t.ImportT1Kwh);
        Assert.Equal(270.014m, t.ImportT2Kwh);
        Assert.Equal(0.005m, t.ExportT1Kwh);
        Assert.Equal(0.000m, t.ExportT2Kwh);
        Assert.Equal(1, t.Tariff);
        Assert.Equal(0.052m, t.QuarterAverageKw);
        Assert.Equal(3.064m, t.MonthPeakKw);
        Assert.Equal(new DsmrTimestamp(new DateTime(2023, 11, 2, 11, 45, 0), 'W'), t.MonthPeakAt);
        Assert.Equal(0.338m, t.PowerImportKw);
        Assert.Equal(0.000m, t.PowerExportKw);
        Assert.Equal(0.047m, t.PowerL1ImportKw);
        Assert.Equal(0.179m, t.PowerL2ImportKw);
        Assert.Equal(0.111m, t.PowerL3ImportKw);
        // Channel 1 is the gas meter (device type 3); channel 2 (type 7) is a water meter.
        Assert.Equal(1, t.GasChannel);
        Assert.Equal(92.287m, t.GasM3);
        Assert.Equal(new DsmrTimestamp(new DateTime(2023, 11, 2, 12, 10, 2), 'W'), t.GasAt);

        var history = t.PeakHistory!;
        Assert.Equal(4, history.Count);
        Assert.Equal(["2023-07", "2023-08", "2023-09", "2023-10"], history.Select(h => h.Month.ToString()));
        Assert.True(history[0].IsEmpty);
        Assert.Equal(0m, history[0].PeakKw);
        Assert.Equal(1.862m, history[1].PeakKw);
        Assert.Equal(new DsmrTimestamp(new DateTime(2023, 8, 31, 18, 15, 0), 'S'), history[1].PeakAt);
        Assert.Equal(4.229m, history[2].PeakKw);
        Assert.Equal(4.927m, history[3].PeakKw);
        Assert.Equal(new DsmrTimestamp(new DateTime(2023, 10, 16, 13, 0, 0), 'S'), history[3].PeakAt);
    }

    [Fact]
    public void The_real_telegram_maps_to_a_sample_with_exact_utc_times()
    {
        var telegram = DsmrParser.Parse(FluviusTelegram()).Telegram!;

        var sample = DsmrSampleMapper.ToSample(telegram, "meter-1", _brussels, DateTimeOffset.UnixEpoch, out var missing)!;

        Assert.Null(missing);
        Assert.Equal(new DateTimeOffset(2023, 11, 2, 11, 15, 48, TimeSpan.Zero), sample.Ts);
        Assert.Equal(338, sample.PowerW);
        Assert.Equal(338, sample.ImportPowerW);
        Assert.Equal(571.562, sample.EnergyImportKwh);
        Assert.Equal(0.005, sample.EnergyExportKwh);
        Assert.Equal(52, sample.AveragePower15mW);
        Assert.Equal(3064, sample.MonthlyPowerPeakW);
        Assert.Equal(new DateTimeOffset(2023, 11, 2, 10, 45, 0, TimeSpan.Zero), sample.MonthlyPowerPeakTs);
        Assert.Equal((47, 179, 111), (sample.PowerL1W, sample.PowerL2W, sample.PowerL3W));
        Assert.Equal(92.287, sample.GasM3);
        Assert.Equal(new DateTimeOffset(2023, 11, 2, 11, 10, 2, TimeSpan.Zero), sample.GasTs);
    }

    [Fact]
    public void A_single_changed_digit_fails_the_crc()
    {
        var text = FluviusTelegram().Replace("(00.338*kW)", "(00.339*kW)", StringComparison.Ordinal);

        var result = DsmrParser.Parse(text);

        Assert.Equal(DsmrParseStatus.BadCrc, result.Status);
        Assert.Null(result.Telegram);
    }

    [Fact]
    public void A_belgian_telegram_without_its_crc_is_not_trusted()
    {
        var text = FluviusTelegram().Replace("!C4B0", "!", StringComparison.Ordinal);

        Assert.Equal(DsmrParseStatus.MissingCrc, DsmrParser.Parse(text).Status);
    }

    [Fact]
    public void The_telegram_with_lf_only_line_ends_fails_the_crc()
    {
        var text = FluviusTelegram().ReplaceLineEndings("\n");

        Assert.Equal(DsmrParseStatus.BadCrc, DsmrParser.Parse(text).Status);
    }
}
