using System.Diagnostics;
using System.Globalization;
using P1Telemetry.MeterSimulator;

namespace P1Telemetry.ChaosBench;

/// <summary>
/// Faults one after another, each held for a few seconds and then undone; after each, the time until the
/// server holds the meter's newest reading again. Every reading the edge spooled must be stored, once; the
/// readings it never read (it was dead, the meter failed its requests) are counted apart.
/// </summary>
internal static class ChaosSoak
{
    private static readonly TimeSpan CatchUpTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan DrainReserve = TimeSpan.FromMinutes(1);

    public static async Task<SoakReport> RunAsync(SoakSettings settings, TextWriter log)
    {
        var random = new Random(settings.Seed);
        var clock = Stopwatch.StartNew();
        await using var rig = await ChaosRig.StartAsync();
        var store = new SoakStore(rig.ConnectionString, rig.DeviceId);
        log.WriteLine($"chaos: meter → edge → Caddy → 2 replicas → PostgreSQL + Redis up in {clock.Elapsed.TotalSeconds:0} s; seed {settings.Seed}");

        var faults = new List<FaultRecord>();
        string? failure = null;
        var from = await WaitForStoredAsync(store, DateTimeOffset.MinValue, CatchUpTimeout) ?? throw new TimeoutException($"nothing was stored.\n{rig.Logs()}");
        var soak = Stopwatch.StartNew();
        var order = new Queue<FaultKind>();
        while (faults.Count < settings.Faults && soak.Elapsed < settings.Duration - DrainReserve)
        {
            if (order.Count == 0)
            {
                // Every kind once per round, in a random order, so that each follows every other.
                foreach (var next in Enum.GetValues<FaultKind>().OrderBy(_ => random.Next()))
                {
                    order.Enqueue(next);
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(500, 2500)));
            var kind = order.Dequeue();
            var began = DateTimeOffset.UtcNow;
            await InjectAsync(rig, kind, random);
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(2000, 5000)));
            await UndoAsync(rig, kind);
            var ended = DateTimeOffset.UtcNow;

            var newest = rig.Meter.LatestReading.TsUtc;
            var caughtUp = await WaitForStoredAsync(store, newest, CatchUpTimeout);
            if (caughtUp is null)
            {
                failure = $"{kind} at {began:O}: the reading of {newest:O} was not stored within {CatchUpTimeout.TotalSeconds:0} s.\n{rig.Logs()}";
                faults.Add(new FaultRecord(kind, began, ended, CatchUpTimeout, null));
                break;
            }

            // Where the edge could not read the meter, the first reading it stored again ends the window.
            var readingAgain = kind is FaultKind.EdgeKilled or FaultKind.MeterErrors or FaultKind.MeterDrops or FaultKind.MeterHangs
                ? await store.FirstStoredAfterAsync(ended.AddSeconds(-1))
                : null;
            faults.Add(new FaultRecord(kind, began, ended, DateTimeOffset.UtcNow - ended, readingAgain));
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"chaos: {faults.Count,3} {kind,-17} held {(ended - began).TotalSeconds:0.0} s, caught up in {(DateTimeOffset.UtcNow - ended).TotalSeconds:0.0} s"));
        }

        var until = rig.Meter.LatestReading.TsUtc;
        var drain = Stopwatch.StartNew();
        if (failure is null && !await DrainAsync(rig, store, until))
        {
            failure = $"the edge did not drain within {CatchUpTimeout.TotalSeconds:0} s (spool {rig.SpoolDepth()}).\n{rig.Logs()}";
        }

        return await CountAsync(settings, rig, store, faults, from, until, soak.Elapsed, drain.Elapsed, failure);
    }

    private static async Task InjectAsync(ChaosRig rig, FaultKind kind, Random random)
    {
        switch (kind)
        {
            case FaultKind.EdgeKilled:
                await rig.Edge.KillAsync();
                break;
            case FaultKind.ReplicaKilled:
                await rig.Replicas[random.Next(rig.Replicas.Length)].KillAsync();
                break;
            case FaultKind.PostgresRestarted:
                await rig.Postgres.StopAsync();
                break;
            case FaultKind.RedisRestarted:
                await rig.Redis.StopAsync();
                break;
            case FaultKind.CaddyStopped:
                await rig.Caddy.StopAsync();
                break;
            case FaultKind.MeterErrors:
                rig.Meter.SetFaults(new SimulatorFaults { ErrorRate = 0.5 });
                break;
            case FaultKind.MeterDrops:
                rig.Meter.SetFaults(new SimulatorFaults { DropRate = 0.5 });
                break;
            case FaultKind.MeterHangs:
                rig.Meter.SetFaults(new SimulatorFaults { Hang = true });
                break;
        }
    }

    private static async Task UndoAsync(ChaosRig rig, FaultKind kind)
    {
        switch (kind)
        {
            case FaultKind.EdgeKilled:
                rig.Edge.Start();
                break;
            case FaultKind.ReplicaKilled:
                for (var i = 0; i < rig.Replicas.Length; i++)
                {
                    if (!rig.Replicas[i].IsRunning)
                    {
                        await rig.StartReplicaAsync(i);
                    }
                }

                break;
            case FaultKind.PostgresRestarted:
                await rig.Postgres.StartAsync();
                break;
            case FaultKind.RedisRestarted:
                await rig.Redis.StartAgainAsync();
                break;
            case FaultKind.CaddyStopped:
                await rig.Caddy.RestartAsync();
                break;
            default:
                rig.Meter.SetFaults(new SimulatorFaults());
                break;
        }
    }

    /// <summary>Waits until a reading at or after <paramref name="ts"/> is stored; returns the newest stored, or null on timeout.</summary>
    private static async Task<DateTimeOffset?> WaitForStoredAsync(SoakStore store, DateTimeOffset ts, TimeSpan timeout)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (await store.TryLatestAsync() is { } latest && latest >= ts)
            {
                return latest;
            }

            await Task.Delay(100);
        }

        return null;
    }

    private static async Task<bool> DrainAsync(ChaosRig rig, SoakStore store, DateTimeOffset until)
    {
        if (await WaitForStoredAsync(store, until, CatchUpTimeout) is null)
        {
            return false;
        }

        var deadline = DateTimeOffset.UtcNow + CatchUpTimeout;
        while (rig.SpoolDepth() is not 0 && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        return rig.SpoolDepth() is 0;
    }

    private static async Task<SoakReport> CountAsync(
        SoakSettings settings, ChaosRig rig, SoakStore store, List<FaultRecord> faults, DateTimeOffset from, DateTimeOffset until,
        TimeSpan elapsed, TimeSpan drain, string? failure)
    {
        // What the edge spooled is recorded inside its own spool file, in the same transaction as each reading, so
        // "lost" is exactly "spooled but not stored". The meter keeps no history: what the edge never read while it
        // was dead or the meter failed its requests was never spooled.
        var unreadable = faults.Where(f => f.ReadingAgain is not null).Select(f => (From: f.Began.AddSeconds(-2), To: f.ReadingAgain!.Value)).ToList();
        bool InWindow(DateTimeOffset ts) => ts >= from && ts <= until;
        var produced = rig.Meter.Readings.Select(r => r.TsUtc).Where(InWindow).ToHashSet();
        var spooled = (await SpoolAudit.SpooledAsync(rig.SpoolPath, CancellationToken.None)).Where(InWindow).ToHashSet();
        var stored = (await store.TimestampsAsync()).Where(InWindow).ToHashSet();
        var notSpooled = produced.Where(ts => !spooled.Contains(ts)).ToList();
        var notReadInFault = notSpooled.Count(ts => unreadable.Any(w => ts >= w.From && ts < w.To));
        var lost = spooled.Where(ts => !stored.Contains(ts)).OrderBy(ts => ts).ToList();
        var (duplicateRows, doubleCounted) = await store.DuplicatesAsync();
        var (equal, quarters) = await store.QuartersEqualToRecomputationAsync();
        return new SoakReport
        {
            Settings = settings,
            Faults = faults,
            Elapsed = elapsed,
            Produced = produced.Count,
            Spooled = spooled.Count,
            Stored = stored.Count,
            NotReadInFault = notReadInFault,
            NotReadOutsideFaults = notSpooled.Count - notReadInFault,
            Lost = lost.Count,
            NotSpooled = stored.Count(ts => !spooled.Contains(ts) || !produced.Contains(ts)),
            DuplicateRows = duplicateRows,
            DoubleCounted = doubleCounted,
            QuartersEqual = equal,
            Quarters = quarters,
            Drain = drain,
            Failure = failure ?? (lost.Count > 0
                ? $"lost readings: {string.Join(", ", lost.Take(20).Select(ts => ts.ToString("O", CultureInfo.InvariantCulture)))}"
                : null),
        };
    }
}
