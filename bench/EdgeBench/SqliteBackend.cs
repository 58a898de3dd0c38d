using System.Data.Common;
using Microsoft.Data.Sqlite;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.EdgeBench;

/// <summary>The server's embedded default: <c>DATA_DIR/p1.db</c> in a scratch directory.</summary>
internal sealed class SqliteBackend : StorageBackend
{
    private readonly string _dataDirectory = TestRunDirectory.CreateSubdirectory("drain-sqlite");

    public override string Description => "SQLite (embedded)";

    public override IReadOnlyDictionary<string, string?> ServerEnvironment => new Dictionary<string, string?> { ["DATA_DIR"] = _dataDirectory };

    public override bool NeedsMigration => false;

    public override ValueTask DisposeAsync()
    {
        Directory.Delete(_dataDirectory, recursive: true);
        return ValueTask.CompletedTask;
    }

    protected override DbConnection OpenConnection() => new SqliteConnection(new SqliteConnectionStringBuilder
    {
        DataSource = Path.Combine(_dataDirectory, "p1.db"),
        Mode = SqliteOpenMode.ReadWrite,
        Pooling = false,
    }.ConnectionString);
}
