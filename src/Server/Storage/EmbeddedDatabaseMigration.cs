using Microsoft.Extensions.Options;
using P1Telemetry.Server.Configuration;
using P1Telemetry.Server.Diagnostics;
using P1Telemetry.Server.Storage.Migrations;

namespace P1Telemetry.Server.Storage;

/// <summary>
/// The embedded SQLite mode migrates at start so that a bare <c>p1-server</c> just works; PostgreSQL is
/// migrated by the explicit <c>migrate</c> command so that replicas never race a schema change.
/// </summary>
internal sealed class EmbeddedDatabaseMigration(
    IOptions<DatabaseOptions> options, ISchemaMigrator migrator, ILogger<EmbeddedDatabaseMigration> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.UsesPostgres)
        {
            return;
        }

        var version = await migrator.MigrateAsync(cancellationToken);
        Log.SchemaMigrated(logger, "sqlite", version);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
