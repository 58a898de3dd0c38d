using System.Text.Json;

namespace P1Telemetry.MeterSimulator.Tests;

/// <summary>The HomeWizard payloads of tests/Fixtures/homewizard (provenance in its SOURCES.md).</summary>
internal static class FixtureFiles
{
    public static JsonElement Load(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "homewizard", name);
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.Clone();
    }

    public static SortedSet<string> Keys(JsonElement element) =>
        new(element.EnumerateObject().Select(p => p.Name), StringComparer.Ordinal);

    /// <summary>Fails, listing what is missing, unless <paramref name="set"/> holds every key of <paramref name="required"/>.</summary>
    public static void AssertHasAll(IEnumerable<string> set, IEnumerable<string> required, string message)
    {
        var missing = required.Except(set, StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, $"{message}: {string.Join(", ", missing)}");
    }

    /// <summary>The JSON kind of a value, with true/false folded into one.</summary>
    public static JsonValueKind Kind(JsonElement value) =>
        value.ValueKind is JsonValueKind.True or JsonValueKind.False ? JsonValueKind.True : value.ValueKind;
}
