using Npgsql;

namespace P1Telemetry.Server.Storage.Migrations;

/// <summary>
/// Applies the PostgreSQL migrations in one transaction under an advisory lock, so that several replicas
/// starting at once migrate exactly once.
/// </summary>
public sealed class PostgresSchemaMigrator(NpgsqlDataSource dataSource) : ISchemaMigrator
{
    private const long MigrationLockKey = 0x5031_7465_6c65;

    public async Task<int> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock($1)", MigrationLockKey, cancellationToken);
        await ExecuteAsync(connection, """
            CREATE TABLE IF NOT EXISTS schema_version (
                version    integer     PRIMARY KEY,
                name       text        NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """, null, cancellationToken);

        await using (var current = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM schema_version", connection))
        {
            var version = (int)(await current.ExecuteScalarAsync(cancellationToken))!;
            foreach (var script in MigrationScript.Load("postgres"))
            {
                if (script.Version <= version)
                {
                    continue;
                }

                await ExecuteAsync(connection, script.Sql, null, cancellationToken);
                await using var record = new NpgsqlCommand("INSERT INTO schema_version (version, name) VALUES ($1, $2)", connection);
                record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = script.Version });
                record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = script.Name });
                await record.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await using var final = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM schema_version", connection);
        var applied = (int)(await final.ExecuteScalarAsync(cancellationToken))!;
        await transaction.CommitAsync(cancellationToken);
        return applied;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, long? argument, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        if (argument is { } value)
        {
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = value });
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
