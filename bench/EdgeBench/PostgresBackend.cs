using System.Data.Common;
using Npgsql;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.EdgeBench;

/// <summary>
/// A private PostgreSQL cluster (random loopback port, scratch directory, the test settings: fsync off) with a
/// fresh database; its CPU time is that of the postmaster and all its processes.
/// </summary>
internal sealed class PostgresBackend : StorageBackend
{
    private readonly PostgresInstance _instance;
    private readonly string _connectionString;
    private readonly int _postmasterId;

    private PostgresBackend(PostgresInstance instance, string connectionString, int postmasterId)
    {
        _instance = instance;
        _connectionString = connectionString;
        _postmasterId = postmasterId;
    }

    public override string Description => "PostgreSQL 15 (private instance, fsync off)";

    public override IReadOnlyDictionary<string, string?> ServerEnvironment => new Dictionary<string, string?> { ["DATABASE_URL"] = _connectionString };

    public override bool NeedsMigration => true;

    public static async Task<PostgresBackend> StartAsync()
    {
        var instance = await PostgresInstance.StartAsync();
        try
        {
            var connectionString = await instance.CreateDatabaseAsync("drain");
            await using var connection = new NpgsqlConnection(Unpooled(connectionString));
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT pg_backend_pid()", connection);
            // Every backend is a child of the postmaster.
            var postmaster = ProcessCpu.ParentId((int)(await command.ExecuteScalarAsync())!);
            return new PostgresBackend(instance, connectionString, postmaster);
        }
        catch
        {
            await instance.DisposeAsync();
            throw;
        }
    }

    public override double? DatabaseCpuSeconds() => ProcessCpu.TreeCpuSeconds(_postmasterId);

    public override ValueTask DisposeAsync() => _instance.DisposeAsync();

    protected override DbConnection OpenConnection() => new NpgsqlConnection(Unpooled(_connectionString));

    private static string Unpooled(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;
}
