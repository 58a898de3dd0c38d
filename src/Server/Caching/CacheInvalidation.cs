using System.Collections.Concurrent;
using P1Telemetry.Contracts.Domain;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.Server.Diagnostics;

namespace P1Telemetry.Server.Caching;

/// <summary>
/// The one place that makes cached reads stale after a commit: it renews the device's stamps where every
/// replica reads them, before the request answers. Every value cached under the old stamps is then never read
/// again on any replica; nothing has to be told or removed.
/// </summary>
public sealed class CacheInvalidation(DeviceStampStore stamps, HistoryCache history, CacheStatus status, ILogger<CacheInvalidation> logger)
{
    // Renewals that failed (Redis away), retried with the next renewal: once Redis answers again, no stamp
    // from before a commit stays current for longer than the next ingest of any device.
    private readonly ConcurrentDictionary<string, bool> _failed = new(StringComparer.Ordinal);

    /// <summary>
    /// Called after an ingest committed <paramref name="samples"/> of the device, also when all of them were
    /// stored already (the retry of an ingest whose renewal may have been cut short). A value of a settled period
    /// depends on readings up to one quarter after its end (the boundary register is interpolated with the next
    /// slot's first reading), hence the margin.
    /// </summary>
    public Task IngestCommittedAsync(string deviceId, IReadOnlyList<Sample> samples, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0)
        {
            return Task.CompletedTask;
        }

        var settled = samples.Min(sample => sample.Ts) < history.SettledBefore(deviceId) + QuarterHour.Length;
        return RenewAsync(deviceId, settled, cancellationToken);
    }

    /// <summary>Called after data of the device other than its samples changed (settings, meter peaks).</summary>
    public Task DeviceChangedAsync(string deviceId, CancellationToken cancellationToken) => RenewAsync(deviceId, settled: true, cancellationToken);

    private async Task RenewAsync(string deviceId, bool settled, CancellationToken cancellationToken)
    {
        if (!await TryRenewAsync(deviceId, settled, cancellationToken))
        {
            _failed.AddOrUpdate(deviceId, settled, (_, before) => before || settled);
            return;
        }

        foreach (var (failedId, failedSettled) in _failed)
        {
            if (_failed.TryRemove(failedId, out _) && !await TryRenewAsync(failedId, failedSettled, cancellationToken))
            {
                _failed.AddOrUpdate(failedId, failedSettled, (_, before) => before || failedSettled);
                return;
            }
        }
    }

    private async Task<bool> TryRenewAsync(string deviceId, bool settled, CancellationToken cancellationToken)
    {
        try
        {
            await stamps.RenewAsync(deviceId, settled, cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            ReadLog.StampRenewalFailed(logger, ex, status.Kind, deviceId);
            return false;
        }
    }
}
