using System.Text.RegularExpressions;
using Npgsql;
using P1Telemetry.Server.Storage.Migrations;
using P1Telemetry.Server.Tests.Support;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.Server.Tests.Storage;

/// <summary>
/// Citus cannot be installed here, so what it would refuse is checked on the migrated schema itself: every table
/// is named by deploy/citus/distribute.sql, a distributed table's primary key leads with device_id and its every
/// unique index contains it, and no reference table points at a distributed one.
/// </summary>
[Collection(PostgresTests.Name)]
public sealed partial class CitusDistributionTests(PostgresClusterFixture cluster)
{
    [Fact]
    public async Task The_migrated_schema_distributes_by_device_id_as_deploy_citus_says()
    {
        var script = await File.ReadAllTextAsync(RepositoryRoot.Combine("deploy", "citus", "distribute.sql"));
        var distributed = DistributedTable().Matches(script).Select(m => m.Groups[1].Value).ToHashSet();
        var reference = ReferenceTable().Matches(script).Select(m => m.Groups[1].Value).ToHashSet();
        Assert.Contains("samples", distributed);

        await using var dataSource = NpgsqlDataSource.Create(await cluster.Instance.CreateDatabaseAsync("citus"));
        await new PostgresSchemaMigrator(dataSource).MigrateAsync(CancellationToken.None);
        var tables = await ListAsync(dataSource, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1");
        Assert.Equal(tables.Order(), distributed.Union(reference).Order());

        foreach (var table in distributed)
        {
            var primaryKey = await ListAsync(dataSource, $"""
                SELECT a.attname FROM pg_index i
                JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
                WHERE i.indrelid = '{table}'::regclass AND i.indisprimary
                """);
            Assert.Equal(["device_id"], primaryKey);
            var uniqueWithoutDevice = await ListAsync(dataSource, $"""
                SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                WHERE i.indrelid = '{table}'::regclass AND i.indisunique
                  AND NOT EXISTS (SELECT 1 FROM pg_attribute a
                                  WHERE a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) AND a.attname = 'device_id')
                """);
            Assert.Empty(uniqueWithoutDevice);
        }

        var referencesToDistributed = await ListAsync(dataSource, """
            SELECT conrelid::regclass::text || ' -> ' || confrelid::regclass::text FROM pg_constraint WHERE contype = 'f'
            """);
        Assert.DoesNotContain(referencesToDistributed, fk =>
            reference.Contains(fk.Split(" -> ")[0]) && distributed.Contains(fk.Split(" -> ")[1]));
    }

    private static async Task<List<string>> ListAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    [GeneratedRegex(@"create_distributed_table\('(\w+)'")]
    private static partial Regex DistributedTable();

    [GeneratedRegex(@"create_reference_table\('(\w+)'")]
    private static partial Regex ReferenceTable();
}
