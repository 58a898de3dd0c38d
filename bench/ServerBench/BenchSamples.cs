using System.IO.Compression;
using System.Text.Json;
using P1Telemetry.Contracts.Wire;

namespace P1Telemetry.ServerBench;

/// <summary>Realistic 1 Hz samples of one Belgian meter (all optional fields present) and their gzip batches.</summary>
internal static class BenchSamples
{
    public static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static Sample[] Generate(int count) => Generate(count, Start, TimeSpan.FromSeconds(1));

    /// <summary><paramref name="count"/> samples from <paramref name="start"/>, <paramref name="interval"/> apart.</summary>
    public static Sample[] Generate(int count, DateTimeOffset start, TimeSpan interval)
    {
        var random = new Random(2025);
        var samples = new Sample[count];
        double import = 12_000, export = 3_000;
        for (var i = 0; i < count; i++)
        {
            var power = random.Next(-4000, 9000);
            if (power > 0)
            {
                import += power * interval.TotalSeconds / 3_600_000.0;
            }
            else
            {
                export += -power * interval.TotalSeconds / 3_600_000.0;
            }

            var ts = start + (interval * i);
            samples[i] = new Sample
            {
                DeviceId = ServerHost.Device,
                Ts = ts,
                PowerW = power,
                ImportPowerW = Math.Max(power, 0),
                EnergyImportKwh = Math.Round(import, 3),
                EnergyExportKwh = Math.Round(export, 3),
                AveragePower15mW = random.Next(0, 6000),
                MonthlyPowerPeakW = 7250,
                MonthlyPowerPeakTs = Start.AddHours(7),
                PowerL1W = power,
                PowerL2W = 0,
                PowerL3W = 0,
                GasM3 = 4321.5 + (i / 300 * 0.01),
                GasTs = ts.AddSeconds(-(i % 300)),
            };
        }

        return samples;
    }

    public static List<byte[]> GzipBatches(Sample[] samples, int batchSize)
    {
        var batches = new List<byte[]>();
        foreach (var chunk in samples.Chunk(batchSize))
        {
            using var output = new MemoryStream();
            using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
            {
                JsonSerializer.Serialize(gzip, new IngestRequest { Samples = chunk }, WireJsonContext.Default.IngestRequest);
            }

            batches.Add(output.ToArray());
        }

        return batches;
    }
}
