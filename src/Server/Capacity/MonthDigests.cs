using System.Globalization;
using System.Text.Json;
using P1Telemetry.Contracts.Domain;
using P1Telemetry.Server.ReadCache;
using P1Telemetry.Server.Storage;

namespace P1Telemetry.Server.Capacity;

/// <summary>Analyses local months of a device from the <c>quarter_hours</c> rollup, caching settled months' digests.</summary>
public sealed class MonthDigests(ISampleStore store, ReadPathSettings settings, HistoryCache history, TimeProvider timeProvider)
{
    /// <summary>Every quarter value of <paramref name="month"/>, up to the quarter in progress.</summary>
    public async Task<MonthAnalysis> AnalyzeAsync(string deviceId, LocalMonth month, CancellationToken cancellationToken)
    {
        var range = settings.Calendar.Month(month);
        var inProgress = QuarterHour.StartOf(timeProvider.GetUtcNow());
        var evaluated = new TimeRange(range.Start, range.End < inProgress ? range.End : Max(inProgress, range.Start));

        // One slot on either side holds the readings the boundary registers are interpolated with.
        var slots = await SlotsAsync(deviceId, range.Start - QuarterHour.Length, range.End + QuarterHour.Length, cancellationToken);
        return new MonthAnalysis(month, range, evaluated, QuarterValues.Compute(slots, evaluated), slots);
    }

    /// <summary>
    /// The rollup rows in [from, to): the settled part (before today) from the cache when it was read before,
    /// only the rest from the database. A running month thus costs today's rows, not the whole month's.
    /// </summary>
    private async Task<List<QuarterSlot>> SlotsAsync(string deviceId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var settled = history.SettledBefore();
        if (settled <= from)
        {
            return (await store.GetQuarterHoursAsync(deviceId, from, to, cancellationToken)).ToSlots();
        }

        var split = settled < to ? settled : to;
        var key = string.Create(CultureInfo.InvariantCulture, $"slots:{from.UtcTicks}:{split.UtcTicks}");
        var cached = await history.GetOrCreateAsync(deviceId, key, split, async ct =>
            SlotCodec.Encode((await store.GetQuarterHoursAsync(deviceId, from, split, ct)).ToSlots()), cancellationToken);
        var slots = SlotCodec.Decode(cached);
        if (split < to)
        {
            slots.AddRange((await store.GetQuarterHoursAsync(deviceId, split, to, cancellationToken)).ToSlots());
        }

        return slots;
    }

    /// <summary>The digest of <paramref name="month"/>, from the cache when the month is settled.</summary>
    public Task<MonthDigest> GetAsync(string deviceId, LocalMonth month, CancellationToken cancellationToken) =>
        GetAsync(deviceId, month, new HistoryCache.StampHolder(), cancellationToken);

    /// <summary>Digests of consecutive months, oldest first.</summary>
    public async Task<IReadOnlyList<MonthDigest>> GetRangeAsync(
        string deviceId, LocalMonth first, int count, CancellationToken cancellationToken)
    {
        var digests = new List<MonthDigest>(count);
        var stamp = new HistoryCache.StampHolder();
        for (var i = 0; i < count; i++)
        {
            digests.Add(await GetAsync(deviceId, first.AddMonths(i), stamp, cancellationToken));
        }

        return digests;
    }

    private async Task<MonthDigest> GetAsync(string deviceId, LocalMonth month, HistoryCache.StampHolder stamp, CancellationToken cancellationToken)
    {
        var range = settings.Calendar.Month(month);
        var bytes = await history.GetOrCreateAsync(deviceId, $"digest:{month}", range.End, async ct =>
        {
            var analysis = await AnalyzeAsync(deviceId, month, ct);
            return JsonSerializer.SerializeToUtf8Bytes(analysis.ToDigest(), ReadJsonContext.Default.MonthDigest);
        }, stamp, cancellationToken);
        return JsonSerializer.Deserialize(bytes, ReadJsonContext.Default.MonthDigest)!;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
