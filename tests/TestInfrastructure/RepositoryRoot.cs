namespace P1Telemetry.TestInfrastructure;

/// <summary>Finds the repository checkout the tests were built from (the directory holding the solution).</summary>
public static class RepositoryRoot
{
    private static readonly Lazy<string> _root = new(Find);

    public static string Path => _root.Value;

    public static string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "P1Telemetry.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No P1Telemetry.slnx above {AppContext.BaseDirectory}.");
    }
}
