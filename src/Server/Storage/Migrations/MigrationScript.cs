using System.Globalization;
using System.Reflection;

namespace P1Telemetry.Server.Storage.Migrations;

/// <summary>One versioned SQL migration, embedded in the assembly as <c>migrations/{backend}/NNNN_name.sql</c>.</summary>
public sealed record MigrationScript(int Version, string Name, string Sql)
{
    /// <summary>The backend's migrations in version order.</summary>
    public static IReadOnlyList<MigrationScript> Load(string backend)
    {
        var assembly = typeof(MigrationScript).Assembly;
        var prefix = $"migrations/{backend}/";
        var scripts = new List<MigrationScript>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(prefix, StringComparison.Ordinal) || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            var name = resource[prefix.Length..^".sql".Length];
            var version = int.Parse(name.AsSpan(0, name.IndexOf('_', StringComparison.Ordinal)), CultureInfo.InvariantCulture);
            scripts.Add(new MigrationScript(version, name, ReadResource(assembly, resource)));
        }

        scripts.Sort((a, b) => a.Version.CompareTo(b.Version));
        return scripts;
    }

    private static string ReadResource(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded migration {resource} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
