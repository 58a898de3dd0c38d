using Microsoft.Extensions.Caching.Hybrid;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.Server.Diagnostics;
using P1Telemetry.Server.ReadCache;

namespace P1Telemetry.Server.Caching;

/// <summary>
/// The one place that makes cached reads stale after a commit: it drops the tags the change touched from
/// this replica's cache before the request answers, and tells the other replicas to drop the same tags.
/// </summary>
/// <remarks>
/// HybridCache's <see cref="HybridCache.RemoveByTagAsync(string, CancellationToken)"/> records the removal
/// in this process and in Redis, but another process reads a tag's removal time from Redis only the first
/// time it meets the tag and keeps it from then on, so it would go on serving its own memory's entries and
/// accept older Redis entries. Taking the memory level away when Redis is set would not help either, for the
/// same reason. So every replica calls RemoveByTagAsync itself, on the change feed's message, and keeps both
/// levels: reads stay at memory speed while a value one replica computed still serves the others. A replica
/// that starts (or whose Redis connection comes back) cannot know what changed before it listened, so it
/// ignores every entry older than that moment.
/// </remarks>
public sealed class CacheInvalidation : IHostedService
{
    private const string Everything = "*";

    private readonly HybridCache _cache;
    private readonly DeviceChangeFeed _changes;
    private readonly HistoryCache _history;
    private readonly CacheStatus _status;
    private readonly ILogger<CacheInvalidation> _logger;

    public CacheInvalidation(HybridCache cache, DeviceChangeFeed changes, HistoryCache history, CacheStatus status, ILogger<CacheInvalidation> logger)
    {
        ArgumentNullException.ThrowIfNull(changes);
        _cache = cache;
        _changes = changes;
        _history = history;
        _status = status;
        _logger = logger;
        changes.Changed += (deviceId, tags) => _ = DropAsync(tags, CancellationToken.None);
        changes.Reset += () => _ = DropAsync([Everything], CancellationToken.None);
    }

    /// <summary>
    /// Called after an ingest committed <paramref name="samples"/> of the device, also when all of them were
    /// stored already (the retry of an ingest whose invalidation may have been cut short).
    /// </summary>
    public Task IngestCommittedAsync(string deviceId, IReadOnlyList<Sample> samples, CancellationToken cancellationToken) =>
        ChangedAsync(deviceId, _history.TagsTouchedBy(deviceId, samples), cancellationToken);

    /// <summary>Called after data of the device other than its samples changed (settings, meter peaks).</summary>
    public Task DeviceChangedAsync(string deviceId, CancellationToken cancellationToken) =>
        ChangedAsync(deviceId, [DeviceTags.All(deviceId)], cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) =>
        _status.Kind == CacheStatus.RedisKind ? DropAsync([Everything], cancellationToken) : Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task ChangedAsync(string deviceId, IReadOnlyList<string> tags, CancellationToken cancellationToken)
    {
        await DropAsync(tags, cancellationToken);
        _changes.Publish(deviceId, tags);
    }

    private async Task DropAsync(IReadOnlyList<string> tags, CancellationToken cancellationToken)
    {
        // Each call forgets its tag in this replica's memory before it returns; only the writes to Redis are
        // awaited, together, so that a replica has dropped them all before the feed's next message arrives.
        var writes = new Task[tags.Count];
        for (var i = 0; i < tags.Count; i++)
        {
            writes[i] = Drop(tags[i], cancellationToken);
        }

        for (var i = 0; i < writes.Length; i++)
        {
            try
            {
                await writes[i];
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                ReadLog.CacheTagDropFailed(_logger, ex, _status.Kind, tags[i]);
            }
        }
    }

    private Task Drop(string tag, CancellationToken cancellationToken)
    {
        try
        {
            return _cache.RemoveByTagAsync(tag, cancellationToken).AsTask();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Task.FromException(ex);
        }
    }
}
