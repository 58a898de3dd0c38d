using System.Text.Json;
using P1Telemetry.Contracts.Domain;
using P1Telemetry.Server.Caching;
using P1Telemetry.Server.MeterPeaks;
using P1Telemetry.Server.ReadPath;
using P1Telemetry.Server.Storage;

namespace P1Telemetry.Server.Capacity;

/// <summary>Computes the capacity-tariff views of a month and a year; settled ones come from the cache.</summary>
public sealed class CapacityService(ISampleStore store, MonthDigests digests, ReadPathSettings settings, HistoryCache history,
    IMeterPeakStore meterPeaks)
{
    private static readonly TimeSpan OneReading = TimeSpan.FromMicroseconds(1);
    private const string ComputedSource = "computed";
    private const string MeterSource = "meter";

    /// <summary>The month view as UTF-8 JSON.</summary>
    public Task<byte[]> GetMonthJsonAsync(string deviceId, LocalMonth month, CancellationToken cancellationToken) =>
        history.GetOrCreateAsync(deviceId, $"capacity-month:{month}", settings.For(deviceId).Calendar.Month(month).End,
            ct => ComputeMonthJsonAsync(deviceId, month, ct), cancellationToken);

    /// <summary>The month view as UTF-8 JSON, computed without looking for a cached response.</summary>
    public async Task<byte[]> ComputeMonthJsonAsync(string deviceId, LocalMonth month, CancellationToken cancellationToken)
    {
        var analysis = await digests.AnalyzeAsync(deviceId, month, cancellationToken);
        var quarters = analysis.Quarters;
        var digest = analysis.ToDigest();
        var previous = await digests.GetRangeAsync(deviceId, month.AddMonths(-11), 11, cancellationToken);
        var meterMonths = await meterPeaks.GetAsync(deviceId, month.AddMonths(-11), month, cancellationToken);
        var (rolling, months, window) = Rolling(month, [.. previous, digest], meterMonths);
        meterMonths.TryGetValue(month, out var meterPeak);
        var device = settings.For(deviceId);
        var tariff = device.TariffFor(month);
        var cost = rolling is { } average ? tariff?.CostForMonth(average) : null;
        var meter = await MeterPeakAsync(deviceId, digest, cancellationToken);
        var calendar = device.Calendar;

        var response = new CapacityMonthResponse
        {
            Month = month.ToString(),
            DeviceId = deviceId,
            TimeZone = device.TimeZoneId,
            From = calendar.ToLocal(analysis.Range.Start),
            To = calendar.ToLocal(analysis.Range.End),
            Complete = analysis.Evaluated.End >= analysis.Range.End,
            Peaks = [],
            PeaksJson = quarters.PeaksJson,
            Gaps = [.. quarters.Gaps.Select(g => new QuarterGap { Start = g.Start, End = g.End, Quarters = g.Quarters })],
            GapQuarters = quarters.GapQuarters,
            MonthlyPeakW = Round(digest.PeakW),
            MonthlyPeakTs = digest.PeakTs,
            BilledPeakW = Round(digest.BilledPeakW),
            Rolling12mAverageW = Round(rolling),
            Rolling12mMonths = rolling is null ? null : months,
            TariffEurPerKwYear = tariff?.EurPerKwYear,
            VatPct = tariff?.VatPct,
            CostEurExclVat = cost?.ExclVat,
            CostEurInclVat = cost?.InclVat,
            MonthlyPowerPeakW = meter?.MonthlyPowerPeakW,
            MonthlyPowerPeakTs = meter?.MonthlyPowerPeakTs,
            MeterPeakW = meterPeak?.PeakW,
            MeterPeakTs = meterPeak?.PeakTs,
            Rolling12mWindow = rolling is null ? [] : window,
            TopQuarters = [.. quarters.Top.Select(QuarterPeak.From)],
            DailyPeaks = [.. quarters.Days.Select(d => new DailyPeakResponse
            {
                Date = d.Date,
                PeakW = d.Peak is { } p ? Round(p.AveragePowerW) : null,
                PeakTs = d.Peak?.Start,
                GapQuarters = d.GapQuarters,
            })],
        };
        return CapacityMonthJson.Write(response);
    }

    /// <summary>The year view as UTF-8 JSON.</summary>
    public Task<byte[]> GetYearJsonAsync(string deviceId, int year, CancellationToken cancellationToken) =>
        history.GetOrCreateAsync(deviceId, $"capacity-year:{year}", settings.For(deviceId).Calendar.Year(year).End, async ct =>
            JsonSerializer.SerializeToUtf8Bytes(await GetYearAsync(deviceId, year, ct), ReadJsonContext.Default.CapacityYearResponse),
            cancellationToken);

    public async Task<CapacityYearResponse> GetYearAsync(string deviceId, int year, CancellationToken cancellationToken)
    {
        var first = new LocalMonth(year, 1);
        var device = settings.For(deviceId);
        var all = await digests.GetRangeAsync(deviceId, first.AddMonths(-11), 23, cancellationToken);
        var meterMonths = await meterPeaks.GetAsync(deviceId, first.AddMonths(-11), first.AddMonths(11), cancellationToken);
        var months = new List<CapacityYearMonth>(12);
        decimal? totalExcl = null, totalIncl = null;
        for (var i = 0; i < 12; i++)
        {
            var month = first.AddMonths(i);
            var digest = all[i + 11];
            var (rolling, _, window) = Rolling(month, all.Skip(i).Take(12), meterMonths);
            meterMonths.TryGetValue(month, out var meterPeak);
            // Each month is costed at the tariff valid in that month.
            var cost = rolling is { } average ? device.TariffFor(month)?.CostForMonth(average) : null;
            if (cost is { } c)
            {
                totalExcl = (totalExcl ?? 0) + c.ExclVat;
                totalIncl = (totalIncl ?? 0) + c.InclVat;
            }

            months.Add(new CapacityYearMonth
            {
                Month = month.ToString(),
                MonthlyPeakW = Round(digest.PeakW),
                MonthlyPeakTs = digest.PeakTs,
                BilledPeakW = Round(digest.BilledPeakW),
                Rolling12mAverageW = Round(rolling),
                CostEurExclVat = cost?.ExclVat,
                CostEurInclVat = cost?.InclVat,
                GapQuarters = digest.GapQuarters,
                MeterPeakW = meterPeak?.PeakW,
                MeterPeakTs = meterPeak?.PeakTs,
                Source = digest.BilledPeakW is not null ? ComputedSource : meterPeak is not null ? MeterSource : null,
            });
        }

        // The year's headline tariff is December's: the one its last bill uses.
        var yearTariff = device.TariffFor(new LocalMonth(year, 12));
        return new CapacityYearResponse
        {
            Year = year,
            DeviceId = deviceId,
            TimeZone = device.TimeZoneId,
            Months = months,
            TariffEurPerKwYear = yearTariff?.EurPerKwYear,
            VatPct = yearTariff?.VatPct,
            CostEurExclVat = yearTariff is null ? null : totalExcl ?? 0,
            CostEurInclVat = yearTariff is null ? null : totalIncl ?? 0,
        };
    }

    /// <summary>
    /// The rolling average of the last of <paramref name="window"/> (12 consecutive months, oldest first). A month
    /// without samples counts with the meter's own peak for it, when the meter reported one.
    /// </summary>
    private static (double? AverageW, int Months, List<RollingMonth> Window) Rolling(
        LocalMonth month, IEnumerable<MonthDigest> window, IReadOnlyDictionary<LocalMonth, StoredMeterPeak> meterMonths)
    {
        var billed = new Dictionary<LocalMonth, double>();
        var used = new List<RollingMonth>(12);
        foreach (var digest in window)
        {
            if (!LocalMonth.TryParse(digest.Month, out var m))
            {
                continue;
            }

            if (digest.BilledPeakW is { } peak)
            {
                billed[m] = peak;
                used.Add(new RollingMonth { Month = digest.Month, BilledPeakW = Math.Round(peak, 1), Source = ComputedSource });
            }
            else if (meterMonths.TryGetValue(m, out var meterPeak))
            {
                var meterBilled = CapacityTariff.BilledPeakW(meterPeak.PeakW);
                billed[m] = meterBilled;
                used.Add(new RollingMonth { Month = digest.Month, BilledPeakW = Math.Round(meterBilled, 1), Source = MeterSource });
            }
        }

        return (CapacityTariff.RollingAverageW(month, billed), billed.Count, used);
    }

    private async Task<Contracts.Wire.Sample?> MeterPeakAsync(string deviceId, MonthDigest digest, CancellationToken cancellationToken)
    {
        if (digest.Total is not { } total)
        {
            return null;
        }

        // The month's last reading, found through the rollup: the meter reports its own peak on every telegram.
        await foreach (var sample in store.StreamSamplesAsync(deviceId, total.LastTs, total.LastTs + OneReading, cancellationToken))
        {
            return sample.MonthlyPowerPeakW is null ? null : sample;
        }

        return null;
    }

    // Rounded as the peaks array writes them, so a top quarter equals its element there.
    private static double? Round(double? watts) => watts is { } w ? Math.Round(w, 1) : null;

    private static double Round(double watts) => Math.Round(watts, 1);
}
