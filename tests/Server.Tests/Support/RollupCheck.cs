using P1Telemetry.Contracts.Domain;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.Server.Storage;

namespace P1Telemetry.Server.Tests.Support;

public static class RollupCheck
{
    private static readonly DateTimeOffset From = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = new(2100, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Recomputes every quarter-hour of the device by brute force from its stored samples and compares.</summary>
    public static async Task AssertMatchesSamplesAsync(ISampleStore store, string device)
    {
        var samples = await ToListAsync(store.StreamSamplesAsync(device, From, To, default));
        var expected = samples
            .GroupBy(s => QuarterHour.StartOf(s.Ts))
            .OrderBy(g => g.Key)
            .Select(g =>
            {
                var ordered = g.OrderBy(s => s.Ts).ToList();
                return new QuarterHourRow(device, g.Key, ordered.Count,
                    ordered.Sum(s => (long)s.ImportPowerW), ordered.Max(s => s.ImportPowerW),
                    ordered.Sum(s => (long)s.PowerW), ordered.Min(s => s.PowerW), ordered.Max(s => s.PowerW),
                    ordered[0].Ts, ordered[0].EnergyImportKwh, ordered[0].EnergyExportKwh,
                    ordered[^1].Ts, ordered[^1].EnergyImportKwh, ordered[^1].EnergyExportKwh);
            })
            .ToList();

        var actual = await store.GetQuarterHoursAsync(device, From, To, default);
        Assert.NotEmpty(actual);
        Assert.Equal(expected, actual);
    }

    public static async Task<List<Sample>> ToListAsync(IAsyncEnumerable<Sample> source)
    {
        var list = new List<Sample>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }
}
