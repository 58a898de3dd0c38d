using System.Threading.Channels;
using P1Telemetry.Contracts.Dsmr;
using P1Telemetry.MeterSimulator.Api;
using P1Telemetry.MeterSimulator.Meter;

namespace P1Telemetry.MeterSimulator.Device;

/// <summary>
/// The raw telegrams the meter sends on its P1 port, one per reading, rendered once with the faults in force at
/// that moment, so that the HTTP endpoint, the pseudo-terminal and every TCP client see the same text.
/// </summary>
internal sealed class RawTelegramFeed(SimulatedDevice device, int maxStored)
{
    private readonly Lock _gate = new();
    private readonly Queue<RawTelegram> _stored = new();
    private readonly List<Channel<RawTelegram>> _subscribers = [];
    private RawTelegram? _latest;
    private DsmrTimestamp? _stalledClock;

    public RawTelegram? Latest
    {
        get
        {
            lock (_gate)
            {
                return _latest;
            }
        }
    }

    public IReadOnlyList<RawTelegram> Snapshot()
    {
        lock (_gate)
        {
            return [.. _stored];
        }
    }

    public void Publish(Telegram reading)
    {
        var faults = device.Faults.Current;
        var zone = device.TimeZone;
        var clock = DsmrTimestamp.FromUtc(reading.TsUtc, zone);
        if (faults.ClockStalled)
        {
            clock = _stalledClock ??= clock;
        }
        else
        {
            _stalledClock = null;
        }

        // Fault dice model the cable, not the meter: they are not part of the deterministic sequence.
        var delivery = faults.BadCrcRate > 0 && Random.Shared.NextDouble() < faults.BadCrcRate ? TelegramDelivery.BadCrc
            : faults.TruncatedRate > 0 && Random.Shared.NextDouble() < faults.TruncatedRate ? TelegramDelivery.Truncated
            : TelegramDelivery.Intact;
        var history = device.PeakMemory.Before(reading.TsUtc);
        var dsmr = P1TelegramText.ToDsmr(reading, MeterPayloads.ElectricityMeterId(device.Serial), zone, faults.BelgianFields, history, clock);
        var raw = new RawTelegram(reading, P1TelegramText.Render(dsmr, delivery), delivery, clock);
        lock (_gate)
        {
            _latest = raw;
            _stored.Enqueue(raw);
            while (_stored.Count > maxStored)
            {
                _stored.Dequeue();
            }

            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryWrite(raw);
            }
        }
    }

    /// <summary>Every telegram published after this call, until <paramref name="cancellationToken"/> ends the subscription.</summary>
    public ChannelReader<RawTelegram> Subscribe(CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<RawTelegram>(new BoundedChannelOptions(256)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        lock (_gate)
        {
            _subscribers.Add(channel);
        }

        cancellationToken.Register(() =>
        {
            lock (_gate)
            {
                _subscribers.Remove(channel);
            }

            channel.Writer.TryComplete();
        });
        return channel.Reader;
    }
}
