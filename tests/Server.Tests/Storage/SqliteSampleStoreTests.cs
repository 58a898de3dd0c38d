using P1Telemetry.Server.Storage;
using P1Telemetry.Server.Storage.Migrations;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.Server.Tests.Storage;

public sealed class SqliteSampleStoreTests : SampleStoreContractTests
{
    private readonly string _directory = TestRunDirectory.CreateSubdirectory("sqlite");

    protected override Task<(ISampleStore Store, ISchemaMigrator Migrator)> CreateAsync()
    {
        var connections = new SqliteConnectionFactory(Path.Combine(_directory, "p1.db"));
        return Task.FromResult<(ISampleStore, ISchemaMigrator)>((new SqliteSampleStore(connections), new SqliteSchemaMigrator(connections)));
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
