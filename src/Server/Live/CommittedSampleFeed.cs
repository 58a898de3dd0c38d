using System.Text.Json;
using System.Text.Json.Serialization;
using P1Telemetry.Contracts.Wire;
using StackExchange.Redis;

namespace P1Telemetry.Server.Live;

/// <summary>
/// Carries each ingest's newest committed sample to every replica, so that the live streams (the dashboard's
/// event streams) push it without a database read of their own. In-process without Redis; over Redis pub/sub
/// when <c>REDIS_URL</c> is set. It is a notification only: no cached read depends on it (see
/// <see cref="Caching.CacheInvalidation"/>), so a message lost while Redis is away costs a push, never freshness.
/// </summary>
public abstract class CommittedSampleFeed
{
    /// <summary>Raised on this replica for samples committed here or on any other replica.</summary>
    public event Action<string, Sample>? SampleCommitted;

    /// <summary>Called after a commit with the batch's newest sample.</summary>
    public abstract void Publish(string deviceId, Sample latest);

    protected void OnSampleCommitted(string deviceId, Sample latest) => SampleCommitted?.Invoke(deviceId, latest);
}

/// <summary>One process: the sample is known here and nowhere else needs to know.</summary>
public sealed class InProcessCommittedSampleFeed : CommittedSampleFeed
{
    public override void Publish(string deviceId, Sample latest) => OnSampleCommitted(deviceId, latest);
}

/// <summary>Redis pub/sub, as <c>{"device_id":..,"sample":{..}}</c> on one channel.</summary>
public sealed class RedisCommittedSampleFeed : CommittedSampleFeed
{
    public static readonly RedisChannel Channel = RedisChannel.Literal("p1telemetry:sample-committed");
    private readonly ISubscriber _subscriber;

    public RedisCommittedSampleFeed(IConnectionMultiplexer connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _subscriber = connection.GetSubscriber();
        _subscriber.Subscribe(Channel, (_, message) => Receive(message), CommandFlags.FireAndForget);
    }

    public override void Publish(string deviceId, Sample latest)
    {
        // This replica's streams at once; the others' as soon as Redis delivers.
        OnSampleCommitted(deviceId, latest);
        try
        {
            _subscriber.Publish(Channel, JsonSerializer.SerializeToUtf8Bytes(new CommittedSample(deviceId, latest), CommittedSampleJsonContext.Default.CommittedSample),
                CommandFlags.FireAndForget);
        }
        catch (RedisException)
        {
            // Redis is away: the other replicas' streams miss this push and show the next one.
        }
    }

    private void Receive(RedisValue message)
    {
        CommittedSample? committed;
        try
        {
            committed = JsonSerializer.Deserialize((byte[])message!, CommittedSampleJsonContext.Default.CommittedSample);
        }
        catch (JsonException)
        {
            return;
        }

        if (committed is { DeviceId.Length: > 0, Sample: { } sample })
        {
            OnSampleCommitted(committed.DeviceId, sample);
        }
    }
}

/// <summary>The message on the Redis channel.</summary>
public sealed record CommittedSample(
    [property: JsonPropertyName("device_id")] string DeviceId,
    [property: JsonPropertyName("sample")] Sample? Sample);

[JsonSerializable(typeof(CommittedSample))]
internal sealed partial class CommittedSampleJsonContext : JsonSerializerContext;
