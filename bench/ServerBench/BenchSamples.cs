using System.IO.Compression;
using System.Text.Json;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.ServerBench;

/// <summary>Realistic 1 Hz samples of one Belgian meter (all optional fields present) and their gzip batches.</summary>
internal static class BenchSamples
{
    public static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static Sample[] Generate(int count) => Generate(count, Start, TimeSpan.FromSeconds(1));

    /// <summary><paramref name="count"/> samples from <paramref name="start"/>, <paramref name="interval"/> apart.</summary>
    public static Sample[] Generate(int count, DateTimeOffset start, TimeSpan interval)
    {
        var optional = new Random(2025);
        return [.. MeterReadings.Integrate(ServerHost.Device, start, interval, MeterReadings.RandomPower(2025, -4000, 9000).Take(count), 12_000, 3_000)
            .Select((sample, i) => sample with
            {
                AveragePower15mW = optional.Next(0, 6000),
                MonthlyPowerPeakW = 7250,
                MonthlyPowerPeakTs = Start.AddHours(7),
                PowerL1W = sample.PowerW,
                PowerL2W = 0,
                PowerL3W = 0,
                GasM3 = 4321.5 + (i / 300 * 0.01),
                GasTs = sample.Ts.AddSeconds(-(i % 300)),
            })];
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
