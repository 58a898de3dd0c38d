using System.Text.Json;
using P1Telemetry.Contracts.Wire;
using StackExchange.Redis;

namespace P1Telemetry.Server.Caching;

/// <summary>
/// Tells the other replicas that a device's stored data has changed, with the cache tags the change made
/// stale, so that each drops those entries from its own memory at once, whichever replica took the change.
/// In-process without Redis (there is no other replica); over Redis pub/sub when <c>REDIS_URL</c> is set.
/// </summary>
public abstract class DeviceChangeFeed
{
    /// <summary>Raised with the device id and the stale tags for a change another replica committed.</summary>
    public event Action<string, IReadOnlyList<string>>? Changed;

    /// <summary>
    /// Raised on every replica, this one included, with the device's newest committed sample when the
    /// publisher knew it, so that live subscribers (the dashboard's event streams) need no database read.
    /// </summary>
    public event Action<string, Sample>? SampleCommitted;

    /// <summary>Raised when changes may have been missed (Redis reconnected): every device is to be treated as changed.</summary>
    public event Action? Reset;

    /// <summary>Called after a commit that changed the device's data, once this replica has dropped <paramref name="tags"/>.</summary>
    public abstract void Publish(string deviceId, IReadOnlyList<string> tags);

    /// <summary>
    /// Called after <see cref="Publish"/> once the device's newest committed sample is known. It travels on its
    /// own, after the change, so that a replica has dropped the stale entries before its streams push the sample.
    /// </summary>
    public virtual void PublishSample(string deviceId, Sample latest) => OnSampleCommitted(deviceId, latest);

    protected void OnChanged(string deviceId, IReadOnlyList<string> tags) => Changed?.Invoke(deviceId, tags);

    protected void OnSampleCommitted(string deviceId, Sample latest) => SampleCommitted?.Invoke(deviceId, latest);

    protected void OnReset() => Reset?.Invoke();
}

/// <summary>One process: the change is known here and nowhere else needs to know.</summary>
public sealed class InProcessDeviceChangeFeed : DeviceChangeFeed
{
    public override void Publish(string deviceId, IReadOnlyList<string> tags)
    {
    }
}

/// <summary>
/// Redis pub/sub. A message can be lost while Redis is away; when the connection comes back every replica
/// resets what it keeps, so nothing stays stale beyond an outage.
/// </summary>
public sealed class RedisDeviceChangeFeed : DeviceChangeFeed
{
    private static readonly RedisChannel Channel = RedisChannel.Literal("p1telemetry:device-changed");

    // Redis also delivers a replica's own messages back to it; those it has acted on already.
    private readonly string _origin = Guid.NewGuid().ToString("N");
    private readonly ISubscriber _subscriber;

    public RedisDeviceChangeFeed(IConnectionMultiplexer connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _subscriber = connection.GetSubscriber();
        _subscriber.Subscribe(Channel, (_, message) => Receive(message), CommandFlags.FireAndForget);
        connection.ConnectionRestored += (_, _) => OnReset();
        connection.ConnectionFailed += (_, _) => OnReset();
    }

    public override void Publish(string deviceId, IReadOnlyList<string> tags) =>
        Send(new DeviceChange(deviceId, Sample: null, tags, _origin));

    public override void PublishSample(string deviceId, Sample latest)
    {
        OnSampleCommitted(deviceId, latest);
        Send(new DeviceChange(deviceId, latest));
    }

    private void Send(DeviceChange change)
    {
        try
        {
            _subscriber.Publish(Channel, JsonSerializer.SerializeToUtf8Bytes(change, DeviceChangeJsonContext.Default.DeviceChange),
                CommandFlags.FireAndForget);
        }
        catch (RedisException)
        {
            // Redis is away: the others reset when it comes back.
        }
    }

    private void Receive(RedisValue message)
    {
        var text = message.ToString();
        if (!text.StartsWith('{'))
        {
            // A bare device id, as replicas of an earlier release send it: everything of the device is stale.
            OnChanged(text, [DeviceTags.All(text)]);
            return;
        }

        DeviceChange? change;
        try
        {
            change = JsonSerializer.Deserialize(text, DeviceChangeJsonContext.Default.DeviceChange);
        }
        catch (JsonException)
        {
            return;
        }

        if (change?.DeviceId is not { Length: > 0 } deviceId)
        {
            return;
        }

        if (change.Tags is { Count: > 0 } tags && change.Origin != _origin)
        {
            OnChanged(deviceId, tags);
        }

        if (change.Sample is { } sample)
        {
            OnSampleCommitted(deviceId, sample);
        }
    }
}
