using Microsoft.Extensions.DependencyInjection;
using P1Telemetry.Server.Storage.Migrations;
using P1Telemetry.Server.Tests.Support;

namespace P1Telemetry.Server.Tests.Api;

/// <summary>Re-sent, concurrent and out-of-order uploads through the API into PostgreSQL store each sample once.</summary>
[Collection(PostgresTests.Name)]
public sealed class IngestIdempotencyTests(PostgresClusterFixture cluster) : IAsyncLifetime
{
    private ServerFactory _server = null!;

    public async Task InitializeAsync()
    {
        _server = new ServerFactory(new Dictionary<string, string?> { ["DATABASE_URL"] = await cluster.Instance.CreateDatabaseAsync("ingest") });
        await _server.Services.GetRequiredService<ISchemaMigrator>().MigrateAsync(default);
    }

    public Task DisposeAsync()
    {
        _server.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Sending_a_batch_twice_reports_duplicates_the_second_time()
    {
        using var client = _server.CreateClient(ServerFactory.Token1);
        var batch = Samples.Series(ServerFactory.Device1, Samples.Start, 1000, TimeSpan.FromSeconds(1));

        var first = await client.IngestAsync(batch, gzip: true);
        var second = await client.IngestAsync(batch, gzip: true);

        Assert.Equal((1000, 0), (first.Inserted, first.Duplicates));
        Assert.Equal((0, 1000), (second.Inserted, second.Duplicates));
        await RollupCheck.AssertMatchesSamplesAsync(_server.Store, ServerFactory.Device1);
    }

    [Fact]
    public async Task Concurrent_identical_uploads_insert_each_sample_once()
    {
        var batch = Samples.Series(ServerFactory.Device1, Samples.Start, 3000, TimeSpan.FromSeconds(1), seed: 5);

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            using var client = _server.CreateClient(ServerFactory.Token1);
            return await client.IngestAsync(batch, gzip: true);
        }));

        Assert.Equal(3000, results.Sum(r => r.Inserted));
        Assert.Equal(9000, results.Sum(r => r.Duplicates));
        await RollupCheck.AssertMatchesSamplesAsync(_server.Store, ServerFactory.Device1);
    }

    [Fact]
    public async Task Out_of_order_and_overlapping_batches_give_the_same_rollup_as_one_in_order_upload()
    {
        using var client = _server.CreateClient(ServerFactory.Token1);
        var series = Samples.Series(ServerFactory.Device2, Samples.Start.AddMinutes(-1), 4000, TimeSpan.FromSeconds(1), seed: 11);
        using var second = _server.CreateClient(ServerFactory.Token2);
        var chunks = series.Chunk(700).ToList();
        var order = new[] { 5, 1, 3, 0, 4, 2 };

        var inserted = 0;
        foreach (var index in order)
        {
            inserted += (await second.IngestAsync(chunks[index])).Inserted;
        }

        inserted += (await second.IngestAsync(series.Skip(350).Take(1400).ToList())).Inserted;

        Assert.Equal(4000, inserted);
        await RollupCheck.AssertMatchesSamplesAsync(_server.Store, ServerFactory.Device2);
        var latest = await _server.Store.GetLatestAsync(ServerFactory.Device2, default);
        Assert.Equal(series[^1].Ts, latest!.Ts);
    }
}
