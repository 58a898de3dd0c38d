using P1Telemetry.Contracts.Dsmr;

namespace P1Telemetry.Contracts.Tests.Dsmr;

/// <summary>Generated telegrams: random registers → text with CRC → parse → the same registers.</summary>
public sealed class DsmrRoundTripTests
{
    private static readonly TimeZoneInfo _brussels = TimeZoneInfo.FindSystemTimeZoneById("Europe/Brussels");

    internal static DsmrTelegram RandomTelegram(Random random)
    {
        var now = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(random.NextInt64(0, 10L * 365 * 86400));
        var history = new List<DsmrMonthPeak>();
        var months = random.Next(0, 14);
        var local = DsmrTimestamp.FromUtc(now, _brussels).Local;
        for (var i = months; i >= 1; i--)
        {
            var monthStartLocal = new DateTime(local.Year, local.Month, 1).AddMonths(-i + 1);
            var monthStart = DsmrTimestamp.FromUtc(new DateTimeOffset(monthStartLocal, _brussels.GetUtcOffset(monthStartLocal)), _brussels);
            var empty = random.Next(5) == 0;
            var peakAt = DsmrTimestamp.FromUtc(new DateTimeOffset(monthStartLocal, _brussels.GetUtcOffset(monthStartLocal)).AddMinutes(-15 * random.Next(1, 2000)), _brussels);
            history.Add(new DsmrMonthPeak(monthStart, empty ? null : peakAt, empty ? 0 : Kw(random)));
        }

        return new DsmrTelegram
        {
            Header = "FLU5\\253769484_A",
            BelgianVersion = "50217",
            EquipmentId = "3153414733313030373231333236",
            Timestamp = DsmrTimestamp.FromUtc(now, _brussels),
            Tariff = random.Next(1, 3),
            ImportT1Kwh = Kwh(random),
            ImportT2Kwh = Kwh(random),
            ExportT1Kwh = Kwh(random),
            ExportT2Kwh = Kwh(random),
            PowerImportKw = Kw(random),
            PowerExportKw = Kw(random),
            PowerL1ImportKw = Kw(random),
            PowerL2ImportKw = Kw(random),
            PowerL3ImportKw = Kw(random),
            PowerL1ExportKw = Kw(random),
            PowerL2ExportKw = Kw(random),
            PowerL3ExportKw = Kw(random),
            QuarterAverageKw = Kw(random),
            MonthPeakKw = Kw(random),
            MonthPeakAt = DsmrTimestamp.FromUtc(now.AddMinutes(-15 * random.Next(0, 2000)), _brussels),
            PeakHistory = history,
            GasM3 = random.NextInt64(0, 100_000_000) / 1000m,
            GasAt = DsmrTimestamp.FromUtc(now.AddMinutes(-5 * random.Next(0, 3)), _brussels),
        };
    }

    private static decimal Kwh(Random random) => random.NextInt64(0, 1_000_000_000) / 1000m;

    private static decimal Kw(Random random) => random.Next(0, 100_000) / 1000m;

    [Fact]
    public void Random_telegrams_survive_writing_and_parsing()
    {
        var random = new Random(20261101);
        for (var i = 0; i < 500; i++)
        {
            var written = RandomTelegram(random);
            var text = DsmrTelegramWriter.Write(written);

            var result = DsmrParser.Parse(text);

            Assert.True(result.Succeeded, $"telegram {i}: {result.Error}\n{text}");
            var parsed = result.Telegram!;
            Assert.Equal(written with { PeakHistory = null }, parsed with { PeakHistory = null });
            Assert.Equal(written.PeakHistory!, parsed.PeakHistory!);
        }
    }

    [Fact]
    public void Random_telegrams_map_to_samples_with_the_same_values()
    {
        var random = new Random(7);
        for (var i = 0; i < 500; i++)
        {
            var written = RandomTelegram(random);
            var parsed = DsmrParser.Parse(DsmrTelegramWriter.Write(written)).Telegram!;

            var sample = DsmrSampleMapper.ToSample(parsed, "m", _brussels, DateTimeOffset.UnixEpoch, out _)!;

            Assert.Equal((double)(written.ImportT1Kwh + written.ImportT2Kwh)!, sample.EnergyImportKwh);
            Assert.Equal((double)(written.ExportT1Kwh + written.ExportT2Kwh)!, sample.EnergyExportKwh);
            Assert.Equal((int)((written.PowerImportKw - written.PowerExportKw) * 1000)!, sample.PowerW);
            Assert.Equal(Math.Max(sample.PowerW, 0), sample.ImportPowerW);
            Assert.Equal((int)((written.PowerL2ImportKw - written.PowerL2ExportKw) * 1000)!, sample.PowerL2W);
            Assert.Equal((int)(written.QuarterAverageKw * 1000)!, sample.AveragePower15mW);
            Assert.Equal((int)(written.MonthPeakKw * 1000)!, sample.MonthlyPowerPeakW);
            Assert.Equal((double)written.GasM3!, sample.GasM3);
            // Local time with its flag → exactly the instant it was written from, even in the repeated hour.
            var local = written.Timestamp!.Value;
            Assert.Equal(local, DsmrTimestamp.FromUtc(sample.Ts, _brussels));
        }
    }

    [Fact]
    public void Every_single_byte_change_in_a_generated_telegram_is_rejected_or_invisible()
    {
        var text = DsmrTelegramWriter.Write(RandomTelegram(new Random(3)));
        var bytes = System.Text.Encoding.Latin1.GetBytes(text);
        var bang = Array.IndexOf(bytes, (byte)'!');
        for (var i = 0; i < bang; i++)
        {
            var garbled = (byte[])bytes.Clone();
            garbled[i] ^= 0x01;
            var result = DsmrParser.Parse(garbled);
            Assert.False(result.Succeeded, $"flipping byte {i} ('{(char)bytes[i]}') went unnoticed");
        }
    }
}
