namespace P1Telemetry.Server.Storage.Migrations;

/// <summary>Applies the pending versioned migrations of one backend and records them in <c>schema_version</c>.</summary>
public interface ISchemaMigrator
{
    /// <summary>Applies what is pending; returns the schema version afterwards.</summary>
    Task<int> MigrateAsync(CancellationToken cancellationToken);
}
