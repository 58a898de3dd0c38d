using Npgsql;
using P1Telemetry.Server.Storage;
using P1Telemetry.Server.Storage.Migrations;
using P1Telemetry.Server.Tests.Support;

namespace P1Telemetry.Server.Tests.Storage;

/// <summary>Many concurrent appends share transactions, and each still gets exactly its own outcome.</summary>
[Collection(PostgresTests.Name)]
public sealed class PostgresGroupCommitTests(PostgresClusterFixture cluster) : IAsyncLifetime
{
    private NpgsqlDataSource? _dataSource;
    private PostgresSampleStore? _store;

    private NpgsqlDataSource DataSource => _dataSource!;

    private PostgresSampleStore Store => _store!;

    public async Task InitializeAsync()
    {
        _dataSource = NpgsqlDataSource.Create(await cluster.Instance.CreateDatabaseAsync("group"));
        await new PostgresSchemaMigrator(_dataSource).MigrateAsync(CancellationToken.None);
        _store = new PostgresSampleStore(_dataSource);
    }

    public async Task DisposeAsync()
    {
        await Store.DisposeAsync();
        await DataSource.DisposeAsync();
    }

    [Fact]
    public async Task Concurrent_appends_of_many_devices_each_get_their_own_counts_and_an_exact_rollup()
    {
        var devices = Enumerable.Range(0, 40).Select(i => $"home-{i:D3}").ToArray();

        // Every device sends three overlapping batches at once: 0-59, 30-89 and 0-59 again.
        var appends = devices.SelectMany(device => new[]
        {
            Samples.Series(device, Samples.Start, 60, TimeSpan.FromSeconds(1)),
            Samples.Series(device, Samples.Start.AddSeconds(30), 60, TimeSpan.FromSeconds(1)),
            Samples.Series(device, Samples.Start, 60, TimeSpan.FromSeconds(1)),
        }.Select(batch => (Device: device, Batch: batch))).ToArray();

        var results = await Task.WhenAll(appends.Select(a => Task.Run(() => Store.AppendAsync(a.Device, a.Batch, CancellationToken.None))));

        Assert.All(results, r => Assert.Equal(60, r.Inserted + r.Duplicates));
        foreach (var device in devices)
        {
            var mine = results.Where((_, i) => appends[i].Device == device).ToArray();
            Assert.Equal(90, mine.Sum(r => r.Inserted));
        }

        Assert.Equal(devices.Length * 90L, await ScalarAsync("SELECT count(*) FROM samples"));
        Assert.Equal(devices.Length * 90L, await ScalarAsync("SELECT sum(sample_count)::bigint FROM quarter_hours"));
        Assert.Equal(0L, await ScalarAsync("""
            SELECT count(*) FROM quarter_hours q
            WHERE sample_count <> (SELECT count(*) FROM samples s
                                   WHERE s.device_id = q.device_id AND s.ts >= q.start AND s.ts < q.start + interval '15 minutes')
            """));
    }

    [Fact]
    public async Task An_append_the_database_refuses_fails_alone_and_the_appends_grouped_with_it_are_stored()
    {
        await ExecuteAsync("""
            CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.device_id = 'poison' THEN RAISE EXCEPTION 'refused'; END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER refuse_poison BEFORE INSERT ON samples FOR EACH ROW EXECUTE FUNCTION refuse_poison();
            """);

        var good = Enumerable.Range(0, 30).Select(i => $"good-{i:D2}").ToArray();
        var goodTasks = good.Select(device => Task.Run(() => Store.AppendAsync(device, Samples.Series(device, Samples.Start, 20, TimeSpan.FromSeconds(1)), CancellationToken.None))).ToArray();
        var poison = Task.Run(() => Store.AppendAsync("poison", Samples.Series("poison", Samples.Start, 20, TimeSpan.FromSeconds(1)), CancellationToken.None));

        await Assert.ThrowsAsync<PostgresException>(() => poison);
        var results = await Task.WhenAll(goodTasks);
        Assert.All(results, r => Assert.Equal(new AppendResult(20, 0), r));
        Assert.Equal(good.Length * 20L, await ScalarAsync("SELECT count(*) FROM samples"));
    }

    [Fact]
    public async Task The_same_keys_sent_twice_at_once_are_stored_once_and_counted_once_as_new()
    {
        var batch = Samples.Series("twice", Samples.Start, 500, TimeSpan.FromSeconds(1));

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Store.AppendAsync("twice", batch, CancellationToken.None))));

        Assert.Equal(500, results.Sum(r => r.Inserted));
        Assert.All(results, r => Assert.Equal(500, r.Inserted + r.Duplicates));
        Assert.Equal(500L, await ScalarAsync("SELECT sum(sample_count)::bigint FROM quarter_hours WHERE device_id = 'twice'"));
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
