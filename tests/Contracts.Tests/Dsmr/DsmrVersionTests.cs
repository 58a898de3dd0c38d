using P1Telemetry.Contracts.Dsmr;

namespace P1Telemetry.Contracts.Tests.Dsmr;

public sealed class DsmrVersionTests
{
    private static readonly TimeZoneInfo _brussels = TimeZoneInfo.FindSystemTimeZoneById("Europe/Brussels");

    /// <summary>DSMR 2.2: no CRC, no timestamp, the gas value on the line after 0-1:24.3.0.</summary>
    private const string Dsmr22 = "/ISk5\\2MT382-1004\r\n\r\n" +
        "0-0:96.1.1(00000000000000)\r\n1-0:1.8.1(00001.001*kWh)\r\n1-0:1.8.2(00001.002*kWh)\r\n" +
        "1-0:2.8.1(00000.003*kWh)\r\n1-0:2.8.2(00000.004*kWh)\r\n0-0:96.14.0(0002)\r\n" +
        "1-0:1.7.0(0001.01*kW)\r\n1-0:2.7.0(0000.00*kW)\r\n0-0:17.0.0(0999.00*kW)\r\n0-0:96.3.10(1)\r\n" +
        "0-0:96.13.1()\r\n0-0:96.13.0()\r\n0-1:24.1.0(3)\r\n0-1:96.1.0(000000000000)\r\n" +
        "0-1:24.3.0(161107190000)(00)(60)(1)(0-1:24.2.1)(m3)\r\n(00123.456)\r\n0-1:24.4.0(1)\r\n!\r\n";

    /// <summary>DSMR 4.2 as Dutch meters write it, with 1-3:0.2.8 and a CRC.</summary>
    private static string Dsmr42(bool withCrc)
    {
        var body = "/KFM5KAIFA-METER\r\n\r\n1-3:0.2.8(42)\r\n0-0:1.0.0(161113205757W)\r\n" +
            "0-0:96.1.1(3960221976967177082151037881335713)\r\n1-0:1.8.1(001581.123*kWh)\r\n1-0:1.8.2(001435.706*kWh)\r\n" +
            "1-0:2.8.1(000000.000*kWh)\r\n1-0:2.8.2(000000.000*kWh)\r\n0-0:96.14.0(0002)\r\n1-0:1.7.0(02.027*kW)\r\n" +
            "1-0:2.7.0(00.000*kW)\r\n1-0:21.7.0(00.170*kW)\r\n1-0:22.7.0(00.000*kW)\r\n" +
            "0-1:24.1.0(003)\r\n0-1:96.1.0(4819243993373755377509728609491464)\r\n0-1:24.2.1(161129200000W)(00981.443*m3)\r\n!";
        return withCrc ? body + DsmrCrc16.Compute(System.Text.Encoding.Latin1.GetBytes(body)).ToString("X4") + "\r\n" : body + "\r\n";
    }

    [Fact]
    public void Dsmr_2_2_parses_without_crc_and_takes_its_time_from_the_receiver()
    {
        var result = DsmrParser.Parse(Dsmr22);

        Assert.True(result.Succeeded, result.Error);
        var t = result.Telegram!;
        Assert.Null(t.Timestamp);
        Assert.Equal(1.01m, t.PowerImportKw);
        Assert.Equal(123.456m, t.GasM3);
        Assert.Equal(new DsmrTimestamp(new DateTime(2016, 11, 7, 19, 0, 0), null), t.GasAt);
        Assert.False(t.HasBelgianFields);
        var received = new DateTimeOffset(2026, 3, 1, 10, 0, 0, 750, TimeSpan.Zero);
        var sample = DsmrSampleMapper.ToSample(t, "m", _brussels, received, out _)!;
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero), sample.Ts);
        Assert.Equal(2.003, sample.EnergyImportKwh);
        Assert.Equal(0.007, sample.EnergyExportKwh);
        Assert.Equal(1010, sample.PowerW);
        Assert.Null(sample.AveragePower15mW);
    }

    [Fact]
    public void Dsmr_4_2_parses_with_its_crc()
    {
        var result = DsmrParser.Parse(Dsmr42(withCrc: true));

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal("42", result.Telegram!.DsmrVersion);
        Assert.Equal(981.443m, result.Telegram.GasM3);
        Assert.Equal(0.170m, result.Telegram.PowerL1ImportKw);
    }

    [Fact]
    public void Dsmr_4_2_without_a_crc_is_rejected()
    {
        Assert.Equal(DsmrParseStatus.MissingCrc, DsmrParser.Parse(Dsmr42(withCrc: false)).Status);
    }

    [Theory]
    [InlineData("")]
    [InlineData("no telegram at all")]
    [InlineData("/ISK5\\2M550T-1012\r\n\r\n1-0:1.8.1(000301.548*kWh)\r\n")]
    [InlineData("/ISK5\\2M550T-1012\r\n\r\n1-0:1.8.1(000301.548*kWh\r\n!\r\n")]
    [InlineData("/ISK5\\2M550T-1012\r\n\r\n1-0:1.8.1(abc*kWh)\r\n!\r\n")]
    [InlineData("/ISK5\\2M550T-1012\r\n\r\n1-0:1.8.1(000301.548*m3)\r\n!\r\n")]
    [InlineData("/ISK5\\2M550T-1012\r\n\r\n0-0:1.0.0(261399000000W)\r\n!\r\n")]
    public void Garbage_is_malformed(string text)
    {
        Assert.Equal(DsmrParseStatus.Malformed, DsmrParser.Parse(text).Status);
    }

    [Fact]
    public void Both_flags_of_the_repeated_autumn_hour_give_distinct_exact_instants()
    {
        // 2026-10-25 in Brussels: 03:00 summer time becomes 02:00 winter time; 02:30 happens twice.
        Assert.True(DsmrTimestamp.TryParse("261025023000S", out var summer));
        Assert.True(DsmrTimestamp.TryParse("261025023000W", out var winter));
        var reference = new DateTimeOffset(2026, 10, 25, 1, 30, 0, TimeSpan.Zero);

        Assert.Equal(new DateTimeOffset(2026, 10, 25, 0, 30, 0, TimeSpan.Zero), summer.ToUtc(_brussels, reference));
        Assert.Equal(new DateTimeOffset(2026, 10, 25, 1, 30, 0, TimeSpan.Zero), winter.ToUtc(_brussels, reference));
    }

    [Fact]
    public void The_spring_change_needs_no_guess_either()
    {
        Assert.True(DsmrTimestamp.TryParse("260329015959W", out var before));
        Assert.True(DsmrTimestamp.TryParse("260329030000S", out var after));

        Assert.Equal(TimeSpan.FromSeconds(1), after.ToUtc(_brussels, default) - before.ToUtc(_brussels, default));
    }

    [Fact]
    public void The_empty_history_marker_is_not_a_timestamp()
    {
        Assert.False(DsmrTimestamp.TryParse("632525252525W", out _));
    }
}
