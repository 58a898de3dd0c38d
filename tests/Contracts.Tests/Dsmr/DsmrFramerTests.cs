using System.Text;
using P1Telemetry.Contracts.Dsmr;

namespace P1Telemetry.Contracts.Tests.Dsmr;

public sealed class DsmrFramerTests
{
    private static readonly byte[] _telegram = Encoding.Latin1.GetBytes(DsmrFixtureTests.FluviusTelegram());

    [Fact]
    public void A_telegram_split_at_any_byte_comes_out_whole_once()
    {
        for (var split = 1; split < _telegram.Length; split++)
        {
            var framer = new DsmrFramer();
            var first = framer.Append(_telegram.AsSpan(0, split));
            var second = framer.Append(_telegram.AsSpan(split));

            var frames = first.Concat(second).ToList();
            Assert.Single(frames);
            Assert.Equal(_telegram, frames[0]);
        }
    }

    [Fact]
    public void A_telegram_fed_byte_by_byte_comes_out_whole()
    {
        var framer = new DsmrFramer();
        var frames = new List<byte[]>();
        foreach (var b in _telegram)
        {
            frames.AddRange(framer.Append([b]));
        }

        Assert.Equal(_telegram, Assert.Single(frames));
    }

    [Fact]
    public void Two_telegrams_in_one_read_come_out_as_two()
    {
        var framer = new DsmrFramer();

        var frames = framer.Append([.. _telegram, .. _telegram]);

        Assert.Equal(2, frames.Count);
        Assert.All(frames, f => Assert.True(DsmrParser.Parse(f).Succeeded));
    }

    [Fact]
    public void Garbage_and_a_telegram_joined_mid_way_are_dropped()
    {
        var framer = new DsmrFramer();
        var tail = _telegram.AsSpan(_telegram.Length / 2).ToArray();

        var frames = framer.Append([.. "\0\xff noise "u8, .. tail, .. _telegram]);

        Assert.Equal(_telegram, Assert.Single(frames));
        Assert.True(framer.DiscardedBytes >= tail.Length);
    }

    [Fact]
    public void A_truncated_telegram_followed_by_a_whole_one_yields_only_the_whole_one()
    {
        var framer = new DsmrFramer();
        var head = _telegram.AsSpan(0, _telegram.Length / 2).ToArray();

        var frames = framer.Append([.. head, .. _telegram]);

        Assert.Equal(_telegram, Assert.Single(frames));
        Assert.Equal(1, framer.Truncated);
    }

    [Fact]
    public void A_stream_that_never_ends_a_telegram_is_bounded()
    {
        var framer = new DsmrFramer();
        var endless = new byte[DsmrParser.MaxTelegramBytes * 3];
        endless.AsSpan().Fill((byte)'x');
        endless[0] = (byte)'/';

        Assert.Empty(framer.Append(endless));
        Assert.Equal(_telegram, Assert.Single(framer.Append(_telegram)));
    }

    [Fact]
    public void A_garbled_telegram_is_framed_but_fails_its_crc()
    {
        var garbled = (byte[])_telegram.Clone();
        garbled[100] ^= 0x04;
        var framer = new DsmrFramer();

        var frame = Assert.Single(framer.Append(garbled));

        Assert.Equal(DsmrParseStatus.BadCrc, DsmrParser.Parse(frame).Status);
    }
}
