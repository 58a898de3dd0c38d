// p1-chaos-bench [--minutes 15] [--faults 100] [--seed N]
// Runs meter → edge → Caddy → two server replicas → PostgreSQL + Redis, injects faults of every kind one after
// another, waits for the drain and prints what the meter produced, what was stored, lost and duplicated.
// Exits non-zero when a reading was lost or stored twice, a quarter-hour differs from its recomputation, or
// fewer faults than asked for fit in the time.
using System.Globalization;
using P1Telemetry.ChaosBench;

string? Value(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}

var settings = new SoakSettings(
    TimeSpan.FromMinutes(double.Parse(Value("--minutes") ?? "15", CultureInfo.InvariantCulture)),
    int.Parse(Value("--faults") ?? "100", CultureInfo.InvariantCulture),
    int.Parse(Value("--seed") ?? Random.Shared.Next(1, 100_000).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));

var report = await ChaosSoak.RunAsync(settings, Console.Out);
report.Print(Console.Out);
return report.Passed ? 0 : 1;
