using System.Globalization;
using System.Text.Json;
using P1Telemetry.Contracts.Domain;
using P1Telemetry.Server.Caching;
using P1Telemetry.Server.Capacity;
using P1Telemetry.Server.ReadPath;
using P1Telemetry.Server.Storage;

namespace P1Telemetry.Server.Series;

/// <summary>Historical series, always from the <c>quarter_hours</c> rollup and never from raw samples.</summary>
public sealed class SeriesService(
    ISampleStore store,
    MonthDigests digests,
    ReadPathSettings settings,
    HistoryCache history,
    TimeProvider timeProvider)
{
    // The rollup holds nothing before the Unix epoch, and ingest refuses samples from the future.
    private static readonly DateTimeOffset Beginning = DateTimeOffset.UnixEpoch;

    public DateOnly Today(string deviceId) => settings.For(deviceId).Calendar.DateOf(timeProvider.GetUtcNow());

    public async Task<byte[]> GetJsonAsync(string deviceId, SeriesQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Frame == SeriesFrame.All)
        {
            return await history.GetOrCreateUpToNowAsync(deviceId, $"series:all:{SeriesQuery.Name(query.Bucket)}", async ct =>
                JsonSerializer.SerializeToUtf8Bytes(await GetAllAsync(deviceId, query, ct), ReadJsonContext.Default.SeriesResponse),
                cancellationToken);
        }

        var frame = FrameRange(deviceId, query);
        var key = string.Create(CultureInfo.InvariantCulture, $"series:{SeriesQuery.Name(query.Frame)}:{SeriesQuery.Name(query.Bucket)}:{frame.Start.UtcTicks}");
        return await history.GetOrCreateAsync(deviceId, key, frame.End, async ct =>
            JsonSerializer.SerializeToUtf8Bytes(await GetAsync(deviceId, query, frame, ct), ReadJsonContext.Default.SeriesResponse),
            cancellationToken);
    }

    private TimeRange FrameRange(string deviceId, SeriesQuery query)
    {
        var calendar = settings.For(deviceId).Calendar;
        return query.Frame switch
        {
            SeriesFrame.Day => calendar.Day(query.Date),
            SeriesFrame.Month => calendar.Month(new LocalMonth(query.Date.Year, query.Date.Month)),
            _ => calendar.Year(query.Date.Year),
        };
    }

    private async Task<SeriesResponse> GetAsync(string deviceId, SeriesQuery query, TimeRange frame, CancellationToken cancellationToken)
    {
        IReadOnlyList<QuarterSlot> slots;
        if (query.Frame == SeriesFrame.Year && query.Bucket == SeriesBucketSize.Month)
        {
            // Month buckets need only each month's sums and outer readings: the (mostly cached) digests,
            // including the neighbouring months whose readings bound the year's edges.
            var months = await digests.GetRangeAsync(deviceId, new LocalMonth(query.Date.Year, 1).AddMonths(-1), 14, cancellationToken);
            slots = [.. months.Where(m => m.Total is not null).Select(m => m.Total!.Value)];
        }
        else
        {
            var rows = await store.GetQuarterHoursAsync(
                deviceId, frame.Start - QuarterHour.Length, frame.End + QuarterHour.Length, cancellationToken);
            slots = rows.ToSlots();
        }

        return Respond(deviceId, query, frame, slots);
    }

    private async Task<SeriesResponse> GetAllAsync(string deviceId, SeriesQuery query, CancellationToken cancellationToken)
    {
        var rows = await store.GetQuarterHoursAsync(deviceId, Beginning, timeProvider.GetUtcNow().AddDays(2), cancellationToken);
        if (rows.Count == 0)
        {
            return Respond(deviceId, query, null, []);
        }

        var calendar = settings.For(deviceId).Calendar;
        var first = calendar.MonthOf(rows[0].Start);
        var last = calendar.MonthOf(rows[^1].LastTs);
        var frame = new TimeRange(calendar.Month(first).Start, calendar.Month(last).End);
        return Respond(deviceId, query, frame, rows.ToSlots());
    }

    /// <summary>An upper bound of the bucket count, known before any bucket is built.</summary>
    private static long EstimateBuckets(TimeRange frame, SeriesBucketSize bucket)
    {
        var span = frame.End - frame.Start;
        return bucket switch
        {
            SeriesBucketSize.Hour => (long)span.TotalHours + 2,
            SeriesBucketSize.Day => (long)span.TotalDays + 2,
            SeriesBucketSize.Week => ((long)span.TotalDays / 7) + 2,
            _ => ((long)span.TotalDays / 28) + 2,
        };
    }

    private SeriesResponse Respond(string deviceId, SeriesQuery query, TimeRange? frame, IReadOnlyList<QuarterSlot> slots)
    {
        var device = settings.For(deviceId);
        var calendar = device.Calendar;
        if (frame is { } limited && EstimateBuckets(limited, query.Bucket) is var estimate && estimate > ReadLimits.MaxSeriesBuckets)
        {
            throw new SeriesTooLargeException(estimate);
        }

        var buckets = frame is { } range
            ? SeriesBuckets.Aggregate(slots, SeriesBuckets.Boundaries(calendar, range, query.Bucket), calendar)
            : [];
        return new SeriesResponse
        {
            DeviceId = deviceId,
            TimeZone = device.TimeZoneId,
            Frame = SeriesQuery.Name(query.Frame),
            Bucket = SeriesQuery.Name(query.Bucket),
            From = frame is { } f ? calendar.ToLocal(f.Start) : null,
            To = frame is { } t ? calendar.ToLocal(t.End) : null,
            Series = [.. buckets.Select(b => new SeriesPoint
            {
                Start = b.Start,
                End = b.End,
                AvgPowerW = b.AvgPowerW is { } avg ? Math.Round(avg, 1) : null,
                MaxPowerW = b.MaxPowerW,
                EnergyImportKwh = Math.Round(b.EnergyImportKwh, 6),
                EnergyExportKwh = Math.Round(b.EnergyExportKwh, 6),
                Samples = b.SampleCount,
            })],
        };
    }
}
