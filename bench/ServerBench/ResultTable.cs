using System.Globalization;

namespace P1Telemetry.ServerBench;

internal sealed class ResultTable
{
    private readonly List<string[]> _rows = [];

    public bool AllTargetsMet { get; private set; } = true;

    public void Add(string scenario, string measured, string target, bool? met)
    {
        if (met == false)
        {
            AllTargetsMet = false;
        }

        _rows.Add([scenario, measured, target, met switch { true => "yes", false => "NO", null => "" }]);
    }

    public void Print(TextWriter output)
    {
        string[] header = ["scenario", "measured", "target", "met"];
        var widths = Enumerable.Range(0, header.Length).Select(i => _rows.Select(r => r[i].Length).Append(header[i].Length).Max()).ToArray();
        string Line(string[] cells) => "| " + string.Join(" | ", cells.Select((c, i) => c.PadRight(widths[i]))) + " |";
        output.WriteLine();
        output.WriteLine(Line(header));
        output.WriteLine("|" + string.Join("|", widths.Select(w => new string('-', w + 2))) + "|");
        foreach (var row in _rows)
        {
            output.WriteLine(Line(row));
        }
    }

    public static string Rate(double perSecond) => string.Create(CultureInfo.InvariantCulture, $"{perSecond:N0}/s");
}
