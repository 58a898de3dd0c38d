using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace P1Telemetry.Contracts.Domain;

/// <summary>
/// Capacity tariffs of the Flemish grid areas (Fluvius), EUR per kW per year excluding VAT, for 2026.
/// Keys are normalized names: lower case letters and digits only, without a leading "fluvius".
/// </summary>
public static class GridTariffs
{
    public static readonly FrozenDictionary<string, decimal> Flanders2026 = new Dictionary<string, decimal>
    {
        ["antwerpen"] = 49.40m,
        ["hallevilvoorde"] = 56.04m,
        ["imewo"] = 54.20m,
        ["kempen"] = 56.21m,
        ["limburg"] = 49.05m,
        ["middenvlaanderen"] = 50.12m,
        ["west"] = 57.10m,
        ["zennedijle"] = 56.12m,
    }.ToFrozenDictionary();

    /// <summary>"Fluvius Halle-Vilvoorde", "halle_vilvoorde" and "HALLE VILVOORDE" all become "hallevilvoorde".</summary>
    public static string Normalize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var letters = new string([.. name.Where(char.IsAsciiLetterOrDigit).Select(char.ToLowerInvariant)]);
        const string Operator = "fluvius";
        return letters.StartsWith(Operator, StringComparison.Ordinal) && letters.Length > Operator.Length
            ? letters[Operator.Length..]
            : letters;
    }

    /// <summary>The 2026 tariff of a grid area named in any of the forms <see cref="Normalize"/> accepts.</summary>
    public static bool TryGet([NotNullWhen(true)] string? gridArea, out decimal eurPerKwYear)
    {
        eurPerKwYear = 0;
        return gridArea is not null && Flanders2026.TryGetValue(Normalize(gridArea), out eurPerKwYear);
    }
}
