using System.Globalization;

namespace P1Telemetry.ChaosBench;

internal sealed record SoakSettings(TimeSpan Duration, int Faults, int Seed);

/// <summary>One injected fault: when it began and ended, and how long the pipeline took to catch up afterwards.</summary>
internal sealed record FaultRecord(FaultKind Kind, DateTimeOffset Began, DateTimeOffset Ended, TimeSpan CatchUp, DateTimeOffset? ReadingAgain);

/// <summary>The counts of one soak and the table they print as.</summary>
internal sealed class SoakReport
{
    public required SoakSettings Settings { get; init; }

    public required IReadOnlyList<FaultRecord> Faults { get; init; }

    public required TimeSpan Elapsed { get; init; }

    public required int Produced { get; init; }

    public required int Spooled { get; init; }

    public required int Stored { get; init; }

    public required int NotReadInFault { get; init; }

    public required int NotReadOutsideFaults { get; init; }

    public required int Lost { get; init; }

    public required int NotSpooled { get; init; }

    public required long DuplicateRows { get; init; }

    public required long DoubleCounted { get; init; }

    public required int QuartersEqual { get; init; }

    public required int Quarters { get; init; }

    public required TimeSpan Drain { get; init; }

    public string? Failure { get; init; }

    public bool Passed => Failure is null && Lost == 0 && NotSpooled == 0 && DuplicateRows == 0 && DoubleCounted == 0
        && QuartersEqual == Quarters && Faults.Count >= Settings.Faults && Faults.Select(f => f.Kind).Distinct().Count() >= 6;

    public void Print(TextWriter output)
    {
        var kinds = Faults.GroupBy(f => f.Kind).OrderBy(g => g.Key).ToList();
        var longest = Faults.Count == 0 ? null : Faults.MaxBy(f => f.CatchUp);
        var rows = new List<(string, string, string, bool?)>
        {
            ("faults injected", $"{Faults.Count} of {kinds.Count} kinds in {Elapsed.TotalMinutes:0.0} min (seed {Settings.Seed})",
                $"≥ {Settings.Faults} of ≥ 6 kinds", Faults.Count >= Settings.Faults && kinds.Count >= 6),
        };
        rows.AddRange(kinds.Select(g => ($"  {Name(g.Key)}", $"{g.Count()}, longest catch-up {Seconds(g.Max(f => f.CatchUp))}", "", (bool?)null)));
        rows.Add(("readings the meter produced (from the first stored to the drain)", Count(Produced), "", null));
        rows.Add(("  spooled by the edge", Count(Spooled), "", null));
        rows.Add(("  never read: edge killed or restarting, meter failing its requests", Count(NotReadInFault), "", null));
        rows.Add(("  never read outside any fault (a poll that came late)", Count(NotReadOutsideFaults), "", null));
        rows.Add(("stored", Count(Stored), "", null));
        rows.Add(("lost: spooled, not stored", Count(Lost), "0", Lost == 0));
        rows.Add(("stored but never spooled or produced", Count(NotSpooled), "0", NotSpooled == 0));
        rows.Add(("duplicated: rows stored twice / samples counted twice in quarter-hours",
            $"{DuplicateRows:N0} / {DoubleCounted:N0}", "0 / 0", DuplicateRows == 0 && DoubleCounted == 0));
        rows.Add(("quarter-hours equal to a recomputation from the samples", $"{QuartersEqual:N0} of {Quarters:N0}", "all", QuartersEqual == Quarters));
        rows.Add(("longest catch-up after a fault (newest reading stored again)",
            longest is null ? "-" : $"{Seconds(longest.CatchUp)} ({Name(longest.Kind)})", "", null));
        rows.Add(("drain after the last fault (spool empty, newest reading stored)", Seconds(Drain), "", null));

        output.WriteLine();
        output.WriteLine("| chaos soak | measured | target | met |");
        output.WriteLine("|---|---|---|---|");
        foreach (var (what, measured, target, met) in rows)
        {
            output.WriteLine($"| {what} | {measured} | {target} | {met switch { true => "yes", false => "NO", null => "" }} |");
        }

        if (Failure is not null)
        {
            output.WriteLine();
            output.WriteLine($"FAILED: {Failure}");
        }
    }

    private static string Count(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan time) => string.Create(CultureInfo.InvariantCulture, $"{time.TotalSeconds:0.0} s");

    private static string Name(FaultKind kind) => kind switch
    {
        FaultKind.EdgeKilled => "edge SIGKILL",
        FaultKind.ReplicaKilled => "replica SIGKILL + restart",
        FaultKind.PostgresRestarted => "PostgreSQL restart",
        FaultKind.RedisRestarted => "Redis restart",
        FaultKind.CaddyStopped => "Caddy stop/start",
        FaultKind.MeterErrors => "meter 5xx",
        FaultKind.MeterDrops => "meter drops",
        FaultKind.MeterHangs => "meter hangs",
        _ => kind.ToString(),
    };
}
