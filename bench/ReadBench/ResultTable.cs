using System.Globalization;

namespace P1Telemetry.ReadBench;

/// <summary>Collects rows and prints them as one aligned table at the end.</summary>
internal sealed class ResultTable
{
    private readonly List<string[]> _rows = [["backend", "measurement", "p50 ms", "p95 ms", "runs", "note"]];

    public void Add(string backend, string measurement, double p50, double p95, int runs, string note = "") =>
        _rows.Add([backend, measurement, Measure.Ms(p50), Measure.Ms(p95), runs.ToString(CultureInfo.InvariantCulture), note]);

    public void AddNote(string backend, string measurement, string note) => _rows.Add([backend, measurement, "", "", "", note]);

    public void Print(TextWriter output)
    {
        var widths = Enumerable.Range(0, _rows[0].Length).Select(c => _rows.Max(r => r[c].Length)).ToArray();
        for (var r = 0; r < _rows.Count; r++)
        {
            output.WriteLine(string.Join(" | ", _rows[r].Select((cell, c) => c is 2 or 3 or 4 ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]))));
            if (r == 0)
            {
                output.WriteLine(string.Join("-+-", widths.Select(w => new string('-', w))));
            }
        }
    }
}
