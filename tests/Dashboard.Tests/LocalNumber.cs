using System.Globalization;
using System.Text.RegularExpressions;

namespace P1Telemetry.Dashboard.Tests;

/// <summary>Reads a number as the page shows it in any of its locales (two decimals, any grouping).</summary>
public static partial class LocalNumber
{
    public static double Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var match = NumberPattern().Match(text.Replace('\u2212', '-'));
        Assert.True(match.Success, $"'{text}' shows no number");
        var number = match.Value;
        var negative = number.StartsWith('-');
        var digits = new string([.. number.Where(char.IsDigit)]);
        // Every figure has two decimals: the separator is the third character from the end.
        var hasDecimals = number.Length >= 3 && !char.IsDigit(number[^3]);
        var value = double.Parse(digits, CultureInfo.InvariantCulture) / (hasDecimals ? 100 : 1);
        return negative ? -value : value;
    }

    /// <summary>True when the text uses a decimal comma, as nl-BE and fr-BE do.</summary>
    public static bool HasDecimalComma(string text) => DecimalComma().IsMatch(text);

    [GeneratedRegex(@"-?\d[\d.,\u202f\u00a0 ]*\d|\d")]
    private static partial Regex NumberPattern();

    [GeneratedRegex(@"\d,\d\d(?!\d)")]
    private static partial Regex DecimalComma();
}
