using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using P1Telemetry.Contracts.Domain;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.Server.Caching;
using P1Telemetry.Server.Capacity;
using P1Telemetry.Server.Storage;

namespace P1Telemetry.Server.Realtime;

/// <summary>Computes the live quarter of a device from its latest sample and the current month's rollup.</summary>
/// <remarks>
/// The month's analysis (its peak so far and the slots around the quarter in progress) costs milliseconds, while
/// realtime is read far more often than a device uploads. So the analysis is kept per device and quarter until
/// any replica ingests for the device again (the <see cref="DeviceChangeFeed"/> tells every replica) or
/// <c>CACHE_TTL_S</c> passes, and each answer only recomputes the live figures from the latest sample.
/// </remarks>
public sealed class LiveQuarterService
{
    /// <summary>A device silent for longer than this has no live quarter.</summary>
    public static readonly TimeSpan MaxSilence = QuarterHour.Length;

    private readonly ConcurrentDictionary<string, QuarterContext> _contexts = new(StringComparer.Ordinal);
    private readonly ISampleStore _store;
    private readonly MonthDigests _digests;
    private readonly ReadPathSettings _settings;
    private readonly IOptions<CacheOptions> _cacheOptions;
    private readonly TimeProvider _timeProvider;

    public LiveQuarterService(
        ISampleStore store,
        MonthDigests digests,
        ReadPathSettings settings,
        IOptions<CacheOptions> cacheOptions,
        TimeProvider timeProvider,
        DeviceChangeFeed changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        _store = store;
        _digests = digests;
        _settings = settings;
        _cacheOptions = cacheOptions;
        _timeProvider = timeProvider;
        changes.Changed += deviceId => _contexts.TryRemove(deviceId, out _);
        changes.Reset += _contexts.Clear;
    }

    public async Task<LiveQuarterResponse?> GetAsync(Sample latest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(latest);
        var now = _timeProvider.GetUtcNow();
        if (latest.Ts > now)
        {
            now = latest.Ts;
        }

        if (now - latest.Ts > MaxSilence)
        {
            return null;
        }

        var start = QuarterHour.StartOf(now);
        var context = await ContextAsync(latest.DeviceId, start, now, cancellationToken);
        var live = LiveQuarter.Compute(
            now,
            context.Around,
            new LatestReading(latest.Ts, latest.EnergyImportKwh, latest.ImportPowerW),
            context.MonthPeakW);
        return LiveQuarterResponse.From(live, _settings.For(latest.DeviceId).GoalPeakW);
    }

    private async Task<QuarterContext> ContextAsync(string deviceId, DateTimeOffset start, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_contexts.TryGetValue(deviceId, out var known) && known.QuarterStart == start
            && now - known.ComputedAt < _cacheOptions.Value.TimeToLive)
        {
            return known;
        }

        var analysis = await _digests.AnalyzeAsync(deviceId, _settings.For(deviceId).Calendar.MonthOf(now), cancellationToken);
        IReadOnlyList<QuarterSlot> around = analysis.RecentSlots.Where(slot => slot.Start >= start - QuarterHour.Length && slot.Start <= start).ToList();
        if (start - QuarterHour.Length < analysis.RecentFrom)
        {
            // Not among the rows the analysis read: only today's are.
            var rows = await _store.GetQuarterHoursAsync(deviceId, start - QuarterHour.Length, start + QuarterHour.Length, cancellationToken);
            around = rows.ToSlots();
        }

        var context = new QuarterContext(start, now, around, analysis.Quarters.Peak?.AveragePowerW);
        _contexts[deviceId] = context;
        return context;
    }

    private sealed record QuarterContext(
        DateTimeOffset QuarterStart,
        DateTimeOffset ComputedAt,
        IReadOnlyList<QuarterSlot> Around,
        double? MonthPeakW);
}
