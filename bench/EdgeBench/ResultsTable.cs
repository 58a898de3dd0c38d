using System.Globalization;

namespace P1Telemetry.EdgeBench;

/// <summary>Collects one row per measurement and prints them as a Markdown table.</summary>
internal sealed class ResultsTable
{
    private readonly List<(string Benchmark, string Result, string Target, bool? Met, string Notes)> _rows = [];

    public bool AllTargetsMet => _rows.All(r => r.Met != false);

    public void Add(string benchmark, string result, string target = "", bool? met = null, string notes = "")
    {
        _rows.Add((benchmark, result, target, met, notes));
        Console.Error.WriteLine($"{benchmark}: {result} {notes}");
    }

    public static string Rate(double perSecond) => perSecond.ToString("N0", CultureInfo.InvariantCulture) + " /s";

    public void Print(TextWriter output)
    {
        output.WriteLine();
        output.WriteLine("| benchmark | result | target | met | notes |");
        output.WriteLine("|---|---|---|---|---|");
        foreach (var row in _rows)
        {
            var met = row.Met switch { true => "yes", false => "NO", null => "" };
            output.WriteLine($"| {row.Benchmark} | {row.Result} | {row.Target} | {met} | {row.Notes} |");
        }
    }
}
