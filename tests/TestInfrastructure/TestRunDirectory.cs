namespace P1Telemetry.TestInfrastructure;

/// <summary>
/// Where tests and their private servers keep their files: under <c>$P1_TEST_RUN_DIR</c> when the test script set
/// it (so that leftovers can be found and killed by that path), else under the system temp directory.
/// </summary>
public static class TestRunDirectory
{
    /// <summary>The run directory itself (created when missing).</summary>
    public static string Root
    {
        get
        {
            var root = Environment.GetEnvironmentVariable("P1_TEST_RUN_DIR");
            if (string.IsNullOrEmpty(root))
            {
                root = Path.Combine(Path.GetTempPath(), "p1-tests");
            }

            Directory.CreateDirectory(root);
            return root;
        }
    }

    /// <summary>A fresh path under <see cref="Root"/> that does not exist yet.</summary>
    public static string NewPath(string prefix) => Path.Combine(Root, $"{prefix}-{Guid.NewGuid():N}");

    /// <summary>A fresh, created directory under <see cref="Root"/>.</summary>
    public static string CreateSubdirectory(string prefix)
    {
        var path = Path.Combine(Root, $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)]);
        Directory.CreateDirectory(path);
        return path;
    }
}
