using System.Text.Json;
using P1Telemetry.Contracts.Domain;
using P1Telemetry.Server.Capacity;
using P1Telemetry.Server.ReadPath;
using static P1Telemetry.Server.Tests.ReadPath.ReadSamples;

namespace P1Telemetry.Server.Tests.ReadPath;

public sealed class CapacityMonthJsonTests
{
    private static readonly QuarterValue[] Quarters =
    [
        new(Utc("2026-03-01T00:00:00Z"), Utc("2026-03-01T00:15:00Z"), 812.3456, 900, 812.04),
        new(Utc("2026-03-01T00:15:00Z"), Utc("2026-03-01T00:30:00Z"), 7200, 899, 7199.95),
        new(Utc("2026-03-29T01:45:00Z"), Utc("2026-03-29T02:00:00Z"), 0, 1, -0.0),
    ];

    private static CapacityMonthResponse Response(bool withValues) => new()
    {
        Month = "2026-03",
        DeviceId = "garage \"meter\" é",
        TimeZone = "Europe/Brussels",
        From = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.FromHours(1)),
        To = new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.FromHours(2)),
        Complete = withValues,
        Peaks = [],
        Gaps = withValues ? [new QuarterGap { Start = Utc("2026-03-01T00:30:00Z"), End = Utc("2026-03-29T01:45:00Z"), Quarters = 2685 }] : [],
        GapQuarters = withValues ? 2685 : 0,
        MonthlyPeakW = withValues ? 7200 : null,
        MonthlyPeakTs = withValues ? Utc("2026-03-01T00:15:00Z") : null,
        BilledPeakW = withValues ? 7200.5 : null,
        Rolling12mAverageW = withValues ? 4850.25 : null,
        Rolling12mMonths = withValues ? 2 : null,
        TariffEurPerKwYear = withValues ? 49.40m : null,
        VatPct = withValues ? 6m : null,
        CostEurExclVat = withValues ? 19.97m : null,
        CostEurInclVat = withValues ? 21.10m : null,
        MonthlyPowerPeakW = withValues ? 5000 : null,
        MonthlyPowerPeakTs = withValues ? new DateTimeOffset(2026, 3, 1, 1, 30, 0, TimeSpan.FromHours(1)) : null,
        MeterPeakW = withValues ? 7123 : null,
        MeterPeakTs = withValues ? Utc("2026-03-01T00:30:00Z") : null,
        Rolling12mWindow = withValues
            ? [new RollingMonth { Month = "2026-02", BilledPeakW = 2500, Source = "meter" }, new RollingMonth { Month = "2026-03", BilledPeakW = 7200.5, Source = "computed" }]
            : [],
        TopQuarters = withValues
            ? [new QuarterPeak { Start = Utc("2026-03-01T00:15:00Z"), End = Utc("2026-03-01T00:30:00Z"), AveragePowerW = 7200, Samples = 899, MeanImportPowerW = 7199.9 }]
            : [],
        DailyPeaks = withValues
            ? [
                new DailyPeakResponse { Date = new DateOnly(2026, 3, 1), PeakW = 7200, PeakTs = Utc("2026-03-01T00:15:00Z"), GapQuarters = 94 },
                new DailyPeakResponse { Date = new DateOnly(2026, 3, 2), GapQuarters = 96 },
            ]
            : [],
    };

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Writing_with_prewritten_peaks_gives_the_bytes_the_serializer_writes_for_the_record(bool withValues)
    {
        var response = Response(withValues);
        var quarters = withValues ? Quarters : [];
        var expected = JsonSerializer.SerializeToUtf8Bytes(
            response with
            {
                Peaks = [.. quarters.Select(q => new QuarterPeak
                {
                    Start = q.Start,
                    End = q.End,
                    AveragePowerW = Math.Round(q.AveragePowerW, 1),
                    Samples = q.SampleCount,
                    MeanImportPowerW = Math.Round(q.MeanImportPowerW, 1),
                })],
            },
            ReadJsonContext.Default.CapacityMonthResponse);

        var written = CapacityMonthJson.Write(response with { PeaksJson = QuarterPeaksJson.Write(quarters) });

        Assert.Equal(System.Text.Encoding.UTF8.GetString(expected), System.Text.Encoding.UTF8.GetString(written));
    }

    [Fact]
    public void Joined_peak_arrays_hold_the_elements_of_both_in_order()
    {
        var first = QuarterPeaksJson.Write(Quarters[..2]);
        var second = QuarterPeaksJson.Write(Quarters[2..]);

        Assert.Equal(QuarterPeaksJson.Write(Quarters), QuarterPeaksJson.Concat(first, second).ToArray());
        Assert.Equal(first, QuarterPeaksJson.Concat(first, QuarterPeaksJson.EmptyArray).ToArray());
        Assert.Equal(second, QuarterPeaksJson.Concat(QuarterPeaksJson.EmptyArray, second).ToArray());
        Assert.Equal("[]"u8.ToArray(), QuarterPeaksJson.Concat(QuarterPeaksJson.EmptyArray, QuarterPeaksJson.EmptyArray).ToArray());
    }
}
