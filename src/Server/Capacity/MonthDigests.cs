using System.Globalization;
using System.Text.Json;
using P1Telemetry.Contracts.Domain;
using P1Telemetry.Server.Caching;
using P1Telemetry.Server.ReadPath;
using P1Telemetry.Server.Storage;

namespace P1Telemetry.Server.Capacity;

/// <summary>Analyses local months of a device from the <c>quarter_hours</c> rollup, caching settled months' digests.</summary>
public sealed class MonthDigests(ISampleStore store, ReadPathSettings settings, HistoryCache history, TimeProvider timeProvider)
{
    /// <summary>
    /// Every quarter value of <paramref name="month"/>, up to the quarter in progress. In the running month the
    /// days before today are settled: they are evaluated once and cached, so a request costs today's rows.
    /// </summary>
    public Task<MonthAnalysis> AnalyzeAsync(string deviceId, LocalMonth month, CancellationToken cancellationToken) =>
        AnalyzeAsync(deviceId, month, writePeaks: true, cancellationToken);

    private async Task<MonthAnalysis> AnalyzeAsync(string deviceId, LocalMonth month, bool writePeaks, CancellationToken cancellationToken)
    {
        var range = settings.For(deviceId).Calendar.Month(month);
        var split = Clamp(history.SettledBefore(deviceId), range.Start, range.End);
        if (split == range.End)
        {
            // A settled month: whoever asks caches the result (the response or the digest).
            return new MonthAnalysis(month, range, await ComputePartAsync(deviceId, range, writePeaks, cancellationToken), [], range.End);
        }

        var settled = split > range.Start
            ? await SettledDaysAsync(deviceId, month, new TimeRange(range.Start, split), cancellationToken)
            : MonthPart.Empty(range.Start);

        // One slot on either side holds the readings the boundary registers are interpolated with.
        var inProgress = QuarterHour.StartOf(timeProvider.GetUtcNow());
        var recentFrom = split - QuarterHour.Length;
        var slots = (await store.GetQuarterHoursAsync(deviceId, recentFrom, range.End + QuarterHour.Length, cancellationToken)).ToSlots();
        var today = MonthPart.Compute(slots, new TimeRange(split, Clamp(inProgress, split, range.End)), settings.For(deviceId).Calendar,
            sumRowsUntil: range.End);
        return new MonthAnalysis(month, range, settled.Append(today), slots, recentFrom);
    }

    private async Task<MonthPart> SettledDaysAsync(string deviceId, LocalMonth month, TimeRange days, CancellationToken cancellationToken)
    {
        // Not the name of the length-prefixed form older servers cached, which a shared cache may still hold.
        var key = string.Create(CultureInfo.InvariantCulture, $"month-part:{month}:{days.End.UtcTicks}");
        var bytes = await history.GetOrCreateAsync(deviceId, key, days.End,
            async ct => JsonSerializer.SerializeToUtf8Bytes(await ComputePartAsync(deviceId, days, writePeaks: true, ct), ReadJsonContext.Default.MonthPart),
            cancellationToken);
        return JsonSerializer.Deserialize(bytes, ReadJsonContext.Default.MonthPart)
            ?? throw new JsonException("A cached month part is null.");
    }

    private async Task<MonthPart> ComputePartAsync(string deviceId, TimeRange range, bool writePeaks, CancellationToken cancellationToken)
    {
        var rows = await store.GetQuarterHoursAsync(deviceId, range.Start - QuarterHour.Length, range.End + QuarterHour.Length, cancellationToken);
        return MonthPart.Compute(rows.ToSlots(), range, settings.For(deviceId).Calendar, writePeaks);
    }

    /// <summary>Digests of consecutive months, oldest first.</summary>
    public async Task<IReadOnlyList<MonthDigest>> GetRangeAsync(
        string deviceId, LocalMonth first, int count, CancellationToken cancellationToken)
    {
        var digests = new List<MonthDigest>(count);
        var stamps = new RequestStamps();
        for (var i = 0; i < count; i++)
        {
            digests.Add(await GetAsync(deviceId, first.AddMonths(i), stamps, cancellationToken));
        }

        return digests;
    }

    private async Task<MonthDigest> GetAsync(string deviceId, LocalMonth month, RequestStamps stamps, CancellationToken cancellationToken)
    {
        var range = settings.For(deviceId).Calendar.Month(month);
        var bytes = await history.GetOrCreateAsync(deviceId, $"digest:{month}", range.End, async ct =>
        {
            var analysis = await AnalyzeAsync(deviceId, month, writePeaks: false, ct);
            return JsonSerializer.SerializeToUtf8Bytes(analysis.ToDigest(), ReadJsonContext.Default.MonthDigest);
        }, cancellationToken, stamps);
        return JsonSerializer.Deserialize(bytes, ReadJsonContext.Default.MonthDigest)!;
    }

    private static DateTimeOffset Clamp(DateTimeOffset value, DateTimeOffset min, DateTimeOffset max) =>
        value < min ? min : value > max ? max : value;
}
