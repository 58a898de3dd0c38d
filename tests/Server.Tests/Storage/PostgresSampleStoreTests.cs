using Npgsql;
using P1Telemetry.Server.Storage;
using P1Telemetry.Server.Storage.Migrations;
using P1Telemetry.Server.Tests.Support;

namespace P1Telemetry.Server.Tests.Storage;

[Collection(PostgresTests.Name)]
public sealed class PostgresSampleStoreTests(PostgresClusterFixture cluster) : SampleStoreContractTests
{
    private NpgsqlDataSource? _dataSource;

    protected override async Task<(ISampleStore Store, ISchemaMigrator Migrator)> CreateAsync()
    {
        _dataSource ??= NpgsqlDataSource.Create(await cluster.Instance.CreateDatabaseAsync("store"));
        return (new PostgresSampleStore(_dataSource), new PostgresSchemaMigrator(_dataSource));
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }
    }

    [Fact]
    public async Task Schema_version_records_every_migration_and_samples_is_a_plain_table_without_timescaledb()
    {
        await using var command = _dataSource!.CreateCommand("""
            SELECT (SELECT array_agg(version ORDER BY version) FROM schema_version),
                   (SELECT relkind::text FROM pg_class WHERE relname = 'samples')
            """);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal([1, 2, 3, 4, 5], reader.GetFieldValue<int[]>(0));
        Assert.Equal("r", reader.GetString(1));
    }
}
