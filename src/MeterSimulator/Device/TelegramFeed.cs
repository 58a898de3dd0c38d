using System.Threading.Channels;
using P1Telemetry.MeterSimulator.Meter;

namespace P1Telemetry.MeterSimulator.Device;

/// <summary>
/// The telegrams the meter has produced: the latest one (what every API request reads), a bounded history
/// for <c>/sim/readings</c>, and live subscriptions for the WebSocket pushes.
/// </summary>
internal sealed class TelegramFeed(int maxStored)
{
    private readonly Lock _gate = new();
    private readonly Queue<Telegram> _stored = new();
    private readonly List<Channel<Telegram>> _subscribers = [];
    private Telegram? _latest;

    public Telegram? Latest
    {
        get
        {
            lock (_gate)
            {
                return _latest;
            }
        }
    }

    public IReadOnlyList<Telegram> Snapshot()
    {
        lock (_gate)
        {
            return [.. _stored];
        }
    }

    public void Publish(Telegram telegram)
    {
        lock (_gate)
        {
            _latest = telegram;
            _stored.Enqueue(telegram);
            while (_stored.Count > maxStored)
            {
                _stored.Dequeue();
            }

            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryWrite(telegram);
            }
        }
    }

    /// <summary>Every telegram published after this call, until <paramref name="cancellationToken"/> ends the subscription.</summary>
    public ChannelReader<Telegram> Subscribe(CancellationToken cancellationToken)
    {
        // A slow reader loses the oldest pushes rather than holding memory, like the device would.
        var channel = Channel.CreateBounded<Telegram>(new BoundedChannelOptions(256)
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

    /// <summary>Waits for the next telegram published after the call.</summary>
    public async Task<Telegram> NextAsync(CancellationToken cancellationToken)
    {
        using var subscription = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reader = Subscribe(subscription.Token);
        try
        {
            return await reader.ReadAsync(cancellationToken);
        }
        finally
        {
            await subscription.CancelAsync();
        }
    }
}
