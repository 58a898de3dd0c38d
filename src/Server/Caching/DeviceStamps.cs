using System.Collections.Concurrent;
using StackExchange.Redis;

namespace P1Telemetry.Server.Caching;

/// <summary>
/// The two versions every cached value of a device is keyed by. <see cref="History"/> changes when data of a
/// settled period may have changed (a backlog, the device's settings, its meter's peaks); <see cref="Live"/>
/// changes with every ingest. A value cached under older stamps is never read again, on any replica.
/// </summary>
public readonly record struct DeviceStamps(string History, string Live);

/// <summary>
/// Where the stamps are kept: in this process, or in Redis, shared by every replica. Every cached read asks
/// for them first, so a replica answers from its own memory only what is current for all of them.
/// </summary>
public abstract class DeviceStampStore
{
    /// <summary>Throws when the store cannot answer; the read then bypasses the cache.</summary>
    public abstract Task<DeviceStamps> ReadAsync(string deviceId, CancellationToken cancellationToken);

    /// <summary>Replaces the live stamp and, when <paramref name="history"/>, the history stamp too.</summary>
    public abstract Task RenewAsync(string deviceId, bool history, CancellationToken cancellationToken);

    protected static string NewStamp() => Guid.NewGuid().ToString("N");
}

/// <summary>One process: the stamps live as long as it does.</summary>
public sealed class InProcessDeviceStampStore : DeviceStampStore
{
    private readonly ConcurrentDictionary<string, DeviceStamps> _stamps = new(StringComparer.Ordinal);

    public override Task<DeviceStamps> ReadAsync(string deviceId, CancellationToken cancellationToken) =>
        Task.FromResult(_stamps.GetOrAdd(deviceId, static _ => new DeviceStamps(NewStamp(), NewStamp())));

    public override Task RenewAsync(string deviceId, bool history, CancellationToken cancellationToken)
    {
        _stamps.AddOrUpdate(deviceId,
            static (_, _) => new DeviceStamps(NewStamp(), NewStamp()),
            static (_, old, history) => new DeviceStamps(history ? NewStamp() : old.History, NewStamp()),
            history);
        return Task.CompletedTask;
    }
}

/// <summary>
/// Redis strings <c>history:{device_id}</c> and <c>live:{device_id}</c>, read together in one round trip. A
/// missing stamp (first use, or expired) is created only if no other replica created it meanwhile, so two
/// replicas never key the same data by different stamps. While Redis is unreachable every call fails fast.
/// </summary>
public sealed class RedisDeviceStampStore(IConnectionMultiplexer connection) : DeviceStampStore
{
    private static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(1);

    // Longer than any cached value lives, so that no value outlives the stamp it was keyed by.
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(35);

    public static string HistoryKeyFor(string deviceId) => $"history:{deviceId}";

    public static string LiveKeyFor(string deviceId) => $"live:{deviceId}";

    public override async Task<DeviceStamps> ReadAsync(string deviceId, CancellationToken cancellationToken)
    {
        var database = connection.GetDatabase();
        RedisKey[] keys = [HistoryKeyFor(deviceId), LiveKeyFor(deviceId)];
        var values = await database.StringGetAsync(keys).WaitAsync(OperationTimeout, cancellationToken);
        if (values[0].IsNull || values[1].IsNull)
        {
            var batch = database.CreateBatch();
            var created = keys.Select(key => batch.StringSetAsync(key, NewStamp(), Lifetime, When.NotExists)).ToArray();
            batch.Execute();
            await Task.WhenAll(created).WaitAsync(OperationTimeout, cancellationToken);
            values = await database.StringGetAsync(keys).WaitAsync(OperationTimeout, cancellationToken);
        }

        return new DeviceStamps(values[0].ToString(), values[1].ToString());
    }

    public override async Task RenewAsync(string deviceId, bool history, CancellationToken cancellationToken)
    {
        var database = connection.GetDatabase();
        var live = database.StringSetAsync(LiveKeyFor(deviceId), NewStamp(), Lifetime);
        var settled = history ? database.StringSetAsync(HistoryKeyFor(deviceId), NewStamp(), Lifetime) : Task.FromResult(true);
        await Task.WhenAll(live, settled).WaitAsync(OperationTimeout, cancellationToken);
    }
}
