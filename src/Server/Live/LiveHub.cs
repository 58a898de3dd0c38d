using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.Server.Diagnostics;
using P1Telemetry.Server.Realtime;

namespace P1Telemetry.Server.Live;

/// <summary>
/// Fans the newest committed sample of a device out to its open event streams on this replica. The change
/// feed brings the sample (from an ingest here or, over Redis, on any replica); the realtime payload is
/// computed once per push and device, at most once per <see cref="MinInterval"/>, and shared by every stream.
/// </summary>
public sealed class LiveHub
{
    /// <summary>
    /// A device's streams receive at most one payload per this interval, counted from the start of the previous
    /// push; newer samples coalesce. Shorter than the meter's second: an interval equal to the reading cadence
    /// held every push back by the previous one's jitter, and the lag grew to a reading behind.
    /// </summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(500);

    private readonly ConcurrentDictionary<string, DeviceStreams> _devices = new(StringComparer.Ordinal);
    private readonly LiveQuarterService _liveQuarter;
    private readonly TimeProvider _timeProvider;
    private readonly ServerMetrics _metrics;
    private readonly ILogger<LiveHub> _logger;

    public LiveHub(CommittedSampleFeed committedSamples, LiveQuarterService liveQuarter, TimeProvider timeProvider, ServerMetrics metrics, ILogger<LiveHub> logger)
    {
        ArgumentNullException.ThrowIfNull(committedSamples);
        _liveQuarter = liveQuarter;
        _metrics = metrics;
        _timeProvider = timeProvider;
        _logger = logger;
        committedSamples.SampleCommitted += OnSampleCommitted;
    }

    /// <summary>Streams open on this replica, over every device.</summary>
    public int OpenStreams => _devices.Values.Sum(d => d.Count);

    /// <summary>A stream's mailbox: it holds only the newest payload, a slow reader skips the older ones.</summary>
    public LiveSubscription Subscribe(string deviceId)
    {
        var channel = Channel.CreateBounded<string>(new BoundedChannelOptions(1)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
            SingleWriter = false,
        });
        var streams = _devices.GetOrAdd(deviceId, _ => new DeviceStreams());
        streams.Add(channel);
        _metrics.LiveStreamOpened();
        return new LiveSubscription(channel.Reader, () =>
        {
            if (streams.Remove(channel))
            {
                _metrics.LiveStreamClosed();
            }

            channel.Writer.TryComplete();
        });
    }

    /// <summary>The realtime payload (the <c>GET /v1/realtime</c> answer) for a sample, as JSON.</summary>
    public async Task<string> PayloadAsync(Sample sample, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var response = RealtimeResponse.From(sample) with
        {
            LiveQuarter = await _liveQuarter.GetAsync(sample, cancellationToken),
        };
        return JsonSerializer.Serialize(response, LiveJsonContext.Default.RealtimeResponse);
    }

    private void OnSampleCommitted(string deviceId, Sample sample)
    {
        if (!_devices.TryGetValue(deviceId, out var streams) || streams.Count == 0)
        {
            return;
        }

        if (streams.Offer(sample))
        {
            _ = PushLoopAsync(deviceId, streams);
        }
    }

    private async Task PushLoopAsync(string deviceId, DeviceStreams streams)
    {
        // One loop per device at a time: it waits out the interval, pushes the newest pending sample and
        // ends when nothing newer arrived meanwhile.
        while (true)
        {
            var wait = streams.LastPush + MinInterval - _timeProvider.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _timeProvider);
            }
            else
            {
                await Task.Yield();
            }

            if (streams.TakePending() is not { } sample)
            {
                return;
            }

            var started = _timeProvider.GetUtcNow();
            try
            {
                var payload = await PayloadAsync(sample, CancellationToken.None);
                streams.Broadcast(payload, started);
            }
            catch (Exception ex)
            {
                LiveLog.PushFailed(_logger, ex, deviceId);
                streams.Broadcast(null, started);
            }
        }
    }

    private sealed class DeviceStreams
    {
        private readonly Lock _lock = new();
        private readonly List<Channel<string>> _channels = [];
        private Sample? _pending;
        private DateTimeOffset _pushedTs = DateTimeOffset.MinValue;
        private bool _looping;

        public DateTimeOffset LastPush { get; private set; } = DateTimeOffset.MinValue;

        public int Count
        {
            get
            {
                lock (_lock)
                {
                    return _channels.Count;
                }
            }
        }

        public void Add(Channel<string> channel)
        {
            lock (_lock)
            {
                _channels.Add(channel);
            }
        }

        /// <summary>False when the channel had already left (a subscription disposed twice).</summary>
        public bool Remove(Channel<string> channel)
        {
            lock (_lock)
            {
                return _channels.Remove(channel);
            }
        }

        /// <summary>Keeps the sample when it is newer than what is pending or pushed; true when a push loop must start.</summary>
        public bool Offer(Sample sample)
        {
            lock (_lock)
            {
                // Over Redis a replica also hears its own changes back: the same sample counts once.
                if (sample.Ts <= _pushedTs || (_pending is not null && sample.Ts <= _pending.Ts))
                {
                    return false;
                }

                _pending = sample;
                if (_looping)
                {
                    return false;
                }

                _looping = true;
                return true;
            }
        }

        public Sample? TakePending()
        {
            lock (_lock)
            {
                var sample = _pending;
                _pending = null;
                if (sample is null)
                {
                    _looping = false;
                }
                else
                {
                    _pushedTs = sample.Ts;
                }

                return sample;
            }
        }

        public void Broadcast(string? payload, DateTimeOffset at)
        {
            Channel<string>[] channels;
            lock (_lock)
            {
                LastPush = at;
                channels = [.. _channels];
            }

            if (payload is null)
            {
                return;
            }

            foreach (var channel in channels)
            {
                channel.Writer.TryWrite(payload);
            }
        }
    }
}

/// <summary>One open stream's view of its device's pushes; disposing it leaves the hub.</summary>
public sealed class LiveSubscription(ChannelReader<string> reader, Action leave) : IDisposable
{
    public ChannelReader<string> Reader { get; } = reader;

    public void Dispose() => leave();
}
