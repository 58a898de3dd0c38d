using System.Globalization;
using System.Text;

namespace P1Telemetry.Server.Tests.Metrics;

/// <summary>One sample line: <c>name{labels} value</c>.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>A metric family: its TYPE, HELP and samples.</summary>
public sealed record PrometheusFamily(string Name, string Type, string? Help, List<PrometheusSample> Samples);

/// <summary>
/// A strict parser of the Prometheus text exposition format (0.0.4): HELP and TYPE lines before their samples,
/// every sample of a declared family, valid names, quoted and escaped label values, numbers, histograms with
/// cumulative buckets ending in le="+Inf" that equal their _count, and a _sum. Anything else throws.
/// </summary>
public static class PrometheusText
{
    public static IReadOnlyDictionary<string, PrometheusFamily> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var families = new Dictionary<string, PrometheusFamily>(StringComparer.Ordinal);
        var helps = new Dictionary<string, string>(StringComparer.Ordinal);
        PrometheusFamily? current = null;
        var lines = text.Split('\n');
        if (lines[^1].Length != 0)
        {
            throw new FormatException("The exposition must end with a newline.");
        }

        for (var number = 1; number < lines.Length; number++)
        {
            var line = lines[number - 1];
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                // HELP may come before or after its TYPE line, once per family.
                var (name, help) = SplitName(line["# HELP ".Length..], number);
                if (!helps.TryAdd(name, help))
                {
                    throw new FormatException($"line {number}: HELP of {name} repeated");
                }

                if (families.TryGetValue(name, out var declared))
                {
                    families[name] = declared with { Help = help };
                    current = current?.Name == name ? families[name] : current;
                }

                continue;
            }

            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var (name, type) = SplitName(line["# TYPE ".Length..], number);
                if (type is not ("counter" or "gauge" or "histogram" or "summary" or "untyped"))
                {
                    throw new FormatException($"line {number}: unknown type '{type}'");
                }

                if (families.ContainsKey(name))
                {
                    throw new FormatException($"line {number}: family {name} declared twice");
                }

                current = new PrometheusFamily(name, type, helps.GetValueOrDefault(name), []);
                families[name] = current;
                continue;
            }

            if (line.StartsWith('#'))
            {
                throw new FormatException($"line {number}: unexpected comment '{line}'");
            }

            var sample = ParseSample(line, number);
            if (current is null || !BelongsTo(sample.Name, current))
            {
                throw new FormatException($"line {number}: sample {sample.Name} does not follow the TYPE line of its family");
            }

            current.Samples.Add(sample);
        }

        foreach (var family in families.Values.Where(f => f.Type == "histogram"))
        {
            CheckHistogram(family);
        }

        return families;
    }

    /// <summary>The sum of the samples of <paramref name="name"/> whose labels include <paramref name="labels"/>; 0 when there is none.</summary>
    public static double Value(this IReadOnlyDictionary<string, PrometheusFamily> families, string name, params (string Key, string Value)[] labels)
    {
        ArgumentNullException.ThrowIfNull(families);
        return families.Values.SelectMany(f => f.Samples)
            .Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value))
            .Sum(s => s.Value);
    }

    private static bool BelongsTo(string sample, PrometheusFamily family) => family.Type switch
    {
        "histogram" => sample == family.Name + "_bucket" || sample == family.Name + "_sum" || sample == family.Name + "_count",
        "summary" => sample == family.Name || sample == family.Name + "_sum" || sample == family.Name + "_count",
        _ => sample == family.Name,
    };

    private static void CheckHistogram(PrometheusFamily family)
    {
        // Series are the label sets without le.
        foreach (var series in family.Samples.GroupBy(s => Key(s.Labels.Where(l => l.Key != "le"))))
        {
            var buckets = series.Where(s => s.Name.EndsWith("_bucket", StringComparison.Ordinal)).ToList();
            var count = series.SingleOrDefault(s => s.Name == family.Name + "_count")
                ?? throw new FormatException($"{family.Name}{{{series.Key}}} has no _count");
            _ = series.SingleOrDefault(s => s.Name == family.Name + "_sum")
                ?? throw new FormatException($"{family.Name}{{{series.Key}}} has no _sum");
            if (buckets.Count == 0 || buckets.Any(b => !b.Labels.ContainsKey("le")))
            {
                throw new FormatException($"{family.Name}{{{series.Key}}}: every bucket needs le");
            }

            var previousBound = double.NegativeInfinity;
            var previousCount = 0.0;
            foreach (var bucket in buckets)
            {
                var bound = ParseNumber(bucket.Labels["le"], 0);
                if (bound <= previousBound || bucket.Value < previousCount)
                {
                    throw new FormatException($"{family.Name}{{{series.Key}}}: buckets must be ordered and cumulative");
                }

                previousBound = bound;
                previousCount = bucket.Value;
            }

            if (!double.IsPositiveInfinity(previousBound) || previousCount != count.Value)
            {
                throw new FormatException($"{family.Name}{{{series.Key}}}: the last bucket must be le=\"+Inf\" and equal _count");
            }
        }
    }

    private static string Key(IEnumerable<KeyValuePair<string, string>> labels) =>
        string.Join(',', labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));

    private static (string Name, string Tail) SplitName(string text, int number)
    {
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        var name = space < 0 ? text : text[..space];
        if (!IsMetricName(name))
        {
            throw new FormatException($"line {number}: invalid metric name '{name}'");
        }

        return (name, space < 0 ? string.Empty : text[(space + 1)..]);
    }

    private static PrometheusSample ParseSample(string line, int number)
    {
        var position = 0;
        while (position < line.Length && line[position] != '{' && line[position] != ' ')
        {
            position++;
        }

        var name = line[..position];
        if (!IsMetricName(name))
        {
            throw new FormatException($"line {number}: invalid metric name '{name}'");
        }

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (position < line.Length && line[position] == '{')
        {
            position++;
            while (line[position] != '}')
            {
                var equals = line.IndexOf('=', position);
                var label = line[position..equals];
                if (!IsLabelName(label) || equals + 1 >= line.Length || line[equals + 1] != '"')
                {
                    throw new FormatException($"line {number}: invalid label '{label}'");
                }

                position = equals + 2;
                var value = new StringBuilder();
                while (line[position] != '"')
                {
                    if (line[position] == '\\')
                    {
                        position++;
                        value.Append(line[position] switch
                        {
                            '\\' => '\\',
                            '"' => '"',
                            'n' => '\n',
                            _ => throw new FormatException($"line {number}: invalid escape in label {label}"),
                        });
                    }
                    else
                    {
                        value.Append(line[position]);
                    }

                    position++;
                }

                if (!labels.TryAdd(label, value.ToString()))
                {
                    throw new FormatException($"line {number}: label {label} repeated");
                }

                position++;
                if (line[position] == ',')
                {
                    position++;
                }
                else if (line[position] != '}')
                {
                    throw new FormatException($"line {number}: expected ',' or '}}' after label {label}");
                }
            }

            position++;
        }

        if (position >= line.Length || line[position] != ' ')
        {
            throw new FormatException($"line {number}: expected a space before the value");
        }

        var parts = line[(position + 1)..].Split(' ');
        if (parts.Length is < 1 or > 2)
        {
            throw new FormatException($"line {number}: expected a value and an optional timestamp");
        }

        if (parts.Length == 2 && !long.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            throw new FormatException($"line {number}: invalid timestamp '{parts[1]}'");
        }

        return new PrometheusSample(name, labels, ParseNumber(parts[0], number));
    }

    private static double ParseNumber(string text, int number) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"line {number}: invalid number '{text}'"),
    };

    private static bool IsMetricName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] is '_' or ':')
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ':');

    private static bool IsLabelName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
