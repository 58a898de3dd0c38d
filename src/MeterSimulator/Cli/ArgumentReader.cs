using System.Globalization;

namespace P1Telemetry.MeterSimulator.Cli;

/// <summary>
/// Reads <c>--name value</c>, <c>--name=value</c> and bare <c>--flag</c> options; each option may also come
/// from an environment variable (<c>--http-port</c> → <c>SIM_HTTP_PORT</c>). Problems are collected with the
/// option's name so that all of them can be reported at once.
/// </summary>
internal sealed class ArgumentReader
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly Func<string, string?> _environment;
    private readonly string? _environmentPrefix;

    public ArgumentReader(IEnumerable<string> args, IReadOnlySet<string> valueOptions, IReadOnlySet<string> flags,
        Func<string, string?> environment, string? environmentPrefix)
    {
        _environment = environment;
        _environmentPrefix = environmentPrefix;
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            var arg = e.Current;
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                Errors.Add($"Unexpected argument '{arg}'.");
                continue;
            }

            var name = arg[2..];
            string? inline = null;
            if (name.IndexOf('=', StringComparison.Ordinal) is var eq and >= 0)
            {
                inline = name[(eq + 1)..];
                name = name[..eq];
            }

            if (flags.Contains(name))
            {
                _values[name] = inline ?? "true";
            }
            else if (valueOptions.Contains(name))
            {
                if (inline is null && !e.MoveNext())
                {
                    Errors.Add($"--{name} needs a value.");
                    break;
                }

                _values[name] = inline ?? e.Current;
            }
            else
            {
                Errors.Add($"Unknown option '--{name}'.");
            }
        }
    }

    public List<string> Errors { get; } = [];

    public string Describe(string name) =>
        _environmentPrefix is null ? $"--{name}" : $"--{name} ({EnvironmentName(name)})";

    public string? GetString(string name)
    {
        if (_values.TryGetValue(name, out var value))
        {
            return value;
        }

        return _environmentPrefix is null ? null : _environment(EnvironmentName(name)) is { Length: > 0 } env ? env : null;
    }

    public int GetInt(string name, int fallback)
    {
        var text = GetString(name);
        if (text is null)
        {
            return fallback;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        Errors.Add($"{Describe(name)} must be a whole number, got '{text}'.");
        return fallback;
    }

    public double GetDouble(string name, double fallback)
    {
        var text = GetString(name);
        if (text is null)
        {
            return fallback;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
        {
            return value;
        }

        Errors.Add($"{Describe(name)} must be a number, got '{text}'.");
        return fallback;
    }

    public bool GetFlag(string name)
    {
        var text = GetString(name);
        switch (text?.ToUpperInvariant())
        {
            case null:
            case "FALSE" or "0" or "NO":
                return false;
            case "TRUE" or "1" or "YES":
                return true;
            default:
                Errors.Add($"{Describe(name)} must be true or false, got '{text}'.");
                return false;
        }
    }

    private string EnvironmentName(string name) => _environmentPrefix + name.Replace('-', '_').ToUpperInvariant();
}
