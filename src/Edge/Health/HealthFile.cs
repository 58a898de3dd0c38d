using System.Text.Json;

namespace P1Telemetry.Edge.Health;

/// <summary>Reads and atomically replaces the health file (write to a temporary file, then rename).</summary>
public static class HealthFile
{
    public static async Task WriteAsync(string path, HealthReport report, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var temporary = path + ".tmp";
        await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
        {
            await JsonSerializer.SerializeAsync(stream, report, HealthJsonContext.Default.HealthReport, cancellationToken);
            await stream.FlushAsync(cancellationToken);
        }

        File.Move(temporary, path, overwrite: true);
    }

    public static async Task<HealthReport?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync(stream, HealthJsonContext.Default.HealthReport, cancellationToken);
    }

    public static string ToJson(HealthReport report) => JsonSerializer.Serialize(report, HealthJsonContext.Default.HealthReport);
}
