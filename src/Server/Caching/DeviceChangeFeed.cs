using System.Text.Json;
using P1Telemetry.Contracts.Wire;
using StackExchange.Redis;

namespace P1Telemetry.Server.Caching;

/// <summary>
/// Tells every replica that a device's stored data has changed, so that state a replica keeps in its own
/// memory for that device is dropped at once, whichever replica took the ingest. In-process without Redis;
/// over Redis pub/sub when <c>REDIS_URL</c> is set.
/// </summary>
public abstract class DeviceChangeFeed
{
    /// <summary>Raised with the device id on this replica, for changes made here or on any other replica.</summary>
    public event Action<string>? Changed;

    /// <summary>
    /// Raised after <see cref="Changed"/> with the device's newest committed sample when the publisher knew it,
    /// so that live subscribers (the dashboard's event streams) need no database read.
    /// </summary>
    public event Action<string, Sample>? SampleCommitted;

    /// <summary>Raised when changes may have been missed (Redis reconnected): every device is to be treated as changed.</summary>
    public event Action? Reset;

    /// <summary>Called after a commit that changed the device's data.</summary>
    public abstract void Publish(string deviceId);

    /// <summary>
    /// Called after <see cref="Publish"/> once the device's newest committed sample is known. It travels on its
    /// own, so that the change itself reaches the other replicas as early as before.
    /// </summary>
    public virtual void PublishSample(string deviceId, Sample latest) => OnSampleCommitted(deviceId, latest);

    protected void OnChanged(string deviceId) => Changed?.Invoke(deviceId);

    protected void OnSampleCommitted(string deviceId, Sample latest) => SampleCommitted?.Invoke(deviceId, latest);

    protected void OnReset() => Reset?.Invoke();
}

/// <summary>One process: the change is known here and nowhere else needs to know.</summary>
public sealed class InProcessDeviceChangeFeed : DeviceChangeFeed
{
    public override void Publish(string deviceId) => OnChanged(deviceId);
}

/// <summary>
/// Redis pub/sub. A message can be lost while Redis is away; when the connection comes back every replica
/// resets what it keeps, so nothing stays stale beyond an outage.
/// </summary>
public sealed class RedisDeviceChangeFeed : DeviceChangeFeed
{
    private static readonly RedisChannel Channel = RedisChannel.Literal("p1telemetry:device-changed");
    private readonly ISubscriber _subscriber;

    public RedisDeviceChangeFeed(IConnectionMultiplexer connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _subscriber = connection.GetSubscriber();
        _subscriber.Subscribe(Channel, (_, message) => Receive(message), CommandFlags.FireAndForget);
        connection.ConnectionRestored += (_, _) => OnReset();
        connection.ConnectionFailed += (_, _) => OnReset();
    }

    public override void Publish(string deviceId)
    {
        // This replica forgets at once; the others as soon as Redis delivers.
        OnChanged(deviceId);
        Send(deviceId);
    }

    /// <summary>
    /// A change is the bare device id; a committed sample is <c>{"device_id":..,"sample":{..}}</c>, which a
    /// replica that does not know it reads as the id of no device and ignores.
    /// </summary>
    public override void PublishSample(string deviceId, Sample latest)
    {
        OnSampleCommitted(deviceId, latest);
        Send(JsonSerializer.SerializeToUtf8Bytes(new DeviceChange(deviceId, latest), DeviceChangeJsonContext.Default.DeviceChange));
    }

    private void Send(RedisValue message)
    {
        try
        {
            _subscriber.Publish(Channel, message, CommandFlags.FireAndForget);
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
            OnChanged(text);
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

        if (change.Sample is { } sample)
        {
            OnSampleCommitted(deviceId, sample);
        }
    }
}
