using P1Telemetry.TestInfrastructure;
namespace P1Telemetry.Edge.Tests.Infrastructure;

/// <summary>A temporary directory under <c>$P1_TEST_RUN_DIR</c> when set, removed on dispose.</summary>
public sealed class TestDirectory : IDisposable
{
    public TestDirectory()
    {
        Path = TestRunDirectory.NewPath("edge-tests");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A child process may still hold a file for a moment; the run directory is removed at the end anyway.
        }
    }
}
