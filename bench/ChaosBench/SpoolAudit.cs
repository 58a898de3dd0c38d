using System.Globalization;
using Microsoft.Data.Sqlite;

namespace P1Telemetry.ChaosBench;

/// <summary>
/// Records every reading the edge spools, inside the edge's own spool file: a trigger on the spool table
/// writes the reading's timestamp in the same transaction as the insert, so it is exactly as durable as the
/// spooled reading itself and survives the edge's SIGKILLs. The edge creates its tables only when missing,
/// so the table created here first is the one it uses.
/// </summary>
internal static class SpoolAudit
{
    private const string Install = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS spool (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            payload TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS soak_spooled (ts TEXT NOT NULL);
        CREATE TRIGGER IF NOT EXISTS soak_spooled_insert AFTER INSERT ON spool
        BEGIN
            INSERT INTO soak_spooled (ts) VALUES (json_extract(NEW.payload, '$.ts'));
        END;
        """;

    public static async Task InstallAsync(string spoolPath, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(spoolPath)!);
        await using var connection = Open(spoolPath);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = Install;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The timestamp of every reading ever spooled, once per insert (a reading spooled twice appears twice).</summary>
    public static async Task<List<DateTimeOffset>> SpooledAsync(string spoolPath, CancellationToken cancellationToken)
    {
        await using var connection = Open(spoolPath);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT ts FROM soak_spooled";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var spooled = new List<DateTimeOffset>();
        while (await reader.ReadAsync(cancellationToken))
        {
            spooled.Add(DateTimeOffset.Parse(reader.GetString(0), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUniversalTime());
        }

        return spooled;
    }

    private static SqliteConnection Open(string spoolPath) =>
        new(new SqliteConnectionStringBuilder { DataSource = spoolPath, Pooling = false, DefaultTimeout = 30 }.ToString());
}
