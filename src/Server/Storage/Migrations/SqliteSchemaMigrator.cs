using System.Globalization;
using Microsoft.Data.Sqlite;

namespace P1Telemetry.Server.Storage.Migrations;

/// <summary>Applies the SQLite migrations in one immediate transaction and switches the file to WAL.</summary>
public sealed class SqliteSchemaMigrator(SqliteConnectionFactory connections) : ISchemaMigrator
{
    public async Task<int> MigrateAsync(CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(connections.DatabasePath);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        await using var connection = await connections.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL", cancellationToken);

        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, transaction, """
            CREATE TABLE IF NOT EXISTS schema_version (
                version    INTEGER PRIMARY KEY,
                name       TEXT    NOT NULL,
                applied_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
            )
            """, cancellationToken);

        var version = await CurrentVersionAsync(connection, transaction, cancellationToken);
        foreach (var script in MigrationScript.Load("sqlite"))
        {
            if (script.Version <= version)
            {
                continue;
            }

            await ExecuteAsync(connection, transaction, script.Sql, cancellationToken);
            await using var record = connection.CreateCommand();
            record.Transaction = transaction;
            record.CommandText = "INSERT INTO schema_version (version, name) VALUES ($version, $name)";
            record.Parameters.AddWithValue("$version", script.Version);
            record.Parameters.AddWithValue("$name", script.Name);
            await record.ExecuteNonQueryAsync(cancellationToken);
        }

        var applied = await CurrentVersionAsync(connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return applied;
    }

    private static async Task<int> CurrentVersionAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT coalesce(max(version), 0) FROM schema_version";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
