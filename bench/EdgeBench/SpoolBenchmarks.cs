using System.Diagnostics;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.Edge.Spooling;

namespace P1Telemetry.EdgeBench;

/// <summary>Spool throughput with <c>synchronous=FULL</c> on the local disk.</summary>
internal static class SpoolBenchmarks
{
    public static async Task RunAsync(WorkDirectory work, ResultsTable results)
    {
        using var spool = SampleSpool.Open(work.File("spool-bench.db"), TimeProvider.System);

        const int single = 2_000;
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < single; i++)
        {
            await spool.EnqueueAsync(Samples.At(i), default);
        }

        stopwatch.Stop();
        results.Add("spool enqueue, one transaction per sample (synchronous=FULL)", ResultsTable.Rate(single / stopwatch.Elapsed.TotalSeconds),
            "≥ 1 /s (polling rate)", single / stopwatch.Elapsed.TotalSeconds >= 1, $"{single} samples, {stopwatch.Elapsed.TotalMilliseconds / single:0.00} ms each");

        const int bulk = 200_000;
        stopwatch.Restart();
        await spool.EnqueueManyAsync(Enumerable.Range(single, bulk).Select(Samples.At), default);
        stopwatch.Stop();
        results.Add("spool bulk enqueue, one transaction", ResultsTable.Rate(bulk / stopwatch.Elapsed.TotalSeconds), notes: $"{bulk} samples");

        var total = await spool.CountAsync(default);
        long drained = 0;
        var peekTime = new Stopwatch();
        var ackTime = new Stopwatch();
        stopwatch.Restart();
        while (true)
        {
            peekTime.Start();
            var batch = await spool.PeekAsync(5_000, default);
            peekTime.Stop();
            if (batch.Count == 0)
            {
                break;
            }

            var ids = new long[batch.Count];
            for (var i = 0; i < ids.Length; i++)
            {
                ids[i] = batch[i].Id;
            }

            ackTime.Start();
            drained += await spool.AckAsync(ids, default);
            ackTime.Stop();
        }

        stopwatch.Stop();
        results.Add("spool peek(5000) + ack(5000)", ResultsTable.Rate(drained / stopwatch.Elapsed.TotalSeconds),
            notes: $"{drained} of {total} samples, {stopwatch.Elapsed.TotalMilliseconds / Math.Ceiling(drained / 5000.0):0.0} ms per batch (peek {peekTime.Elapsed.TotalSeconds:0.00} s, ack {ackTime.Elapsed.TotalSeconds:0.00} s)");
    }
}

internal static class Samples
{
    private static readonly DateTimeOffset _start = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A realistic Belgian sample (all optional fields present) for second <paramref name="i"/>.</summary>
    public static Sample At(int i) => new()
    {
        DeviceId = "",
        Ts = _start.AddSeconds(i),
        PowerW = 250 + (i % 3000),
        ImportPowerW = 250 + (i % 3000),
        EnergyImportKwh = Math.Round(12345.678 + i * 0.0003, 3),
        EnergyExportKwh = 4321.123,
        AveragePower15mW = 800 + (i % 900),
        MonthlyPowerPeakW = 4630,
        MonthlyPowerPeakTs = _start.AddHours(7.25),
        PowerL1W = 100 + (i % 1000),
        PowerL2W = 80,
        PowerL3W = 70 + (i % 2000),
        GasM3 = Math.Round(3456.789 + i / 300 * 0.001, 3),
        GasTs = _start.AddSeconds(i - (i % 300)),
    };
}
