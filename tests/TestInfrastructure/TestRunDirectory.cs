namespace P1Telemetry.TestInfrastructure;

/// <summary>
/// Where private test servers keep their data: under <c>$P1_TEST_RUN_DIR</c> when the test script set it (so
/// that leftovers can be found and killed by that path), else under the system temp directory.
/// </summary>
public static class TestRunDirectory
{
    public static string CreateSubdirectory(string prefix)
    {
        var root = Environment.GetEnvironmentVariable("P1_TEST_RUN_DIR");
        if (string.IsNullOrEmpty(root))
        {
            root = Path.Combine(Path.GetTempPath(), "p1-tests");
        }

        Directory.CreateDirectory(root);
        var path = Path.Combine(root, $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)]);
        Directory.CreateDirectory(path);
        return path;
    }
}
