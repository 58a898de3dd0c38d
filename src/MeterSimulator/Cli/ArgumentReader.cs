using System.CommandLine;
using System.Globalization;

namespace P1Telemetry.MeterSimulator.Cli;

/// <summary>
/// Reads the options of a parsed command line; each option may also come from an environment variable
/// (<c>--http-port</c> → <c>SIM_HTTP_PORT</c>). Values are read as text and converted here, so that every problem
/// is collected with the option's (and the variable's) name and all of them are reported at once.
/// </summary>
internal sealed class ArgumentReader
{
    private readonly ParseResult _parse;
    private readonly Dictionary<string, (Option<string> Option, bool IsFlag)> _options = new(StringComparer.Ordinal);
    private readonly Func<string, string?> _environment;
    private readonly string? _environmentPrefix;

    public ArgumentReader(ParseResult parse, CommandOptions options, Func<string, string?> environment, string? environmentPrefix)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(options);
        _parse = parse;
        _environment = environment;
        _environmentPrefix = environmentPrefix;
        foreach (var option in options.Values)
        {
            _options[Name(option)] = (option, false);
        }

        foreach (var option in options.Flags)
        {
            _options[Name(option)] = (option, true);
        }

        Errors.AddRange(Problems(parse));
        foreach (var option in options.Values)
        {
            if (parse.GetResult(option) is { Tokens.Count: 0 })
            {
                Errors.Add($"--{Name(option)} needs a value.");
            }
        }
    }

    public List<string> Errors { get; } = [];

    /// <summary>What the parser itself found wrong: unknown options, stray arguments, an option given twice.</summary>
    public static IEnumerable<string> Problems(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        foreach (var token in parse.UnmatchedTokens)
        {
            yield return token.StartsWith("--", StringComparison.Ordinal)
                ? $"Unknown option '{token.Split('=', ':')[0]}'."
                : $"Unexpected argument '{token}'.";
        }

        foreach (var error in parse.Errors)
        {
            yield return error.Message;
        }
    }

    public string Describe(string name) =>
        _environmentPrefix is null ? $"--{name}" : $"--{name} ({EnvironmentName(name)})";

    public string? GetString(string name)
    {
        var (option, isFlag) = _options[name];
        if (_parse.GetResult(option) is { } result)
        {
            return result.Tokens.Count > 0 ? result.Tokens[0].Value : isFlag ? "true" : null;
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

    private static string Name(Option option) => option.Name[2..];

    private string EnvironmentName(string name) => _environmentPrefix + name.Replace('-', '_').ToUpperInvariant();
}

/// <summary>
/// The options of one command, all taking their value as text (at most one): <see cref="Values"/> need one,
/// <see cref="Flags"/> stand alone or take true/false.
/// </summary>
internal sealed class CommandOptions
{
    public List<Option<string>> Values { get; } = [];

    public List<Option<string>> Flags { get; } = [];

    public CommandOptions Value(string name, string valueName, string description)
    {
        Values.Add(new Option<string>("--" + name) { Description = description, HelpName = valueName, Arity = ArgumentArity.ZeroOrOne });
        return this;
    }

    public CommandOptions Flag(string name, string description)
    {
        Flags.Add(new Option<string>("--" + name) { Description = description, HelpName = "true|false", Arity = ArgumentArity.ZeroOrOne });
        return this;
    }

    /// <summary>Adds every option to <paramref name="command"/>, which leaves unknown tokens to <see cref="ArgumentReader"/>.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        foreach (var option in Values.Concat(Flags))
        {
            command.Options.Add(option);
        }

        command.TreatUnmatchedTokensAsErrors = false;
    }
}
