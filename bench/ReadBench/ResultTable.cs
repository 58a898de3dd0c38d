using System.Globalization;

namespace P1Telemetry.ReadBench;

/// <summary>Collects rows and prints them as one aligned table at the end.</summary>
internal sealed class ResultTable
{
    private readonly List<string[]> _rows = [["backend", "measurement", "p50 ms", "p95 ms", "cpu ms/call", "runs", "note"]];

    public void Add(string backend, string measurement, (double P50, double P95, int Runs, double CpuMs) result, string note = "") =>
        _rows.Add([backend, measurement, Measure.Ms(result.P50), Measure.Ms(result.P95), Measure.Ms(result.CpuMs),
            result.Runs.ToString(CultureInfo.InvariantCulture), note]);

    public void AddNote(string backend, string measurement, string note) => _rows.Add([backend, measurement, "", "", "", "", note]);

    public void Print(TextWriter output)
    {
        var widths = Enumerable.Range(0, _rows[0].Length).Select(c => _rows.Max(r => r[c].Length)).ToArray();
        for (var r = 0; r < _rows.Count; r++)
        {
            output.WriteLine(string.Join(" | ", _rows[r].Select((cell, c) => c is 2 or 3 or 4 or 5 ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]))));
            if (r == 0)
            {
                output.WriteLine(string.Join("-+-", widths.Select(w => new string('-', w))));
            }
        }
    }
}
