using P1Telemetry.Contracts.Wire;
using P1Telemetry.Server.Storage;

namespace P1Telemetry.Server.Tests.ReadPath;

/// <summary>Readings with exactly integrated registers, so that hand-computed quarter values come out exact.</summary>
public static class ReadSamples
{
    public static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>1 Hz readings in [from, to] (both included) at the power <paramref name="powerAt"/> gives.</summary>
    public static List<Sample> Steady(
        string deviceId,
        DateTimeOffset from,
        DateTimeOffset to,
        Func<DateTimeOffset, int> powerAt,
        double startKwh = 1000,
        int? meterPeakW = null,
        int stepSeconds = 1)
    {
        var samples = new List<Sample>();
        double import = startKwh, export = 50;
        for (var ts = from; ts <= to; ts = ts.AddSeconds(stepSeconds))
        {
            var power = powerAt(ts);
            samples.Add(new Sample
            {
                DeviceId = deviceId,
                Ts = ts,
                PowerW = power,
                ImportPowerW = Math.Max(power, 0),
                EnergyImportKwh = import,
                EnergyExportKwh = export,
                MonthlyPowerPeakW = meterPeakW,
                MonthlyPowerPeakTs = meterPeakW is null ? null : from,
            });
            import += Math.Max(power, 0) * stepSeconds / 3_600_000.0;
            export += Math.Max(-power, 0) * stepSeconds / 3_600_000.0;
        }

        return samples;
    }

    public static async Task LoadAsync(this ISampleStore store, IReadOnlyList<Sample> samples)
    {
        foreach (var chunk in samples.Chunk(10_000))
        {
            await store.AppendAsync(chunk[0].DeviceId, chunk, CancellationToken.None);
        }
    }
}
