using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using P1Telemetry.Server.Caching;
using P1Telemetry.Server.Realtime;
using P1Telemetry.Server.Storage.Migrations;
using P1Telemetry.Server.Tests.Support;
using P1Telemetry.TestInfrastructure;
using StackExchange.Redis;

namespace P1Telemetry.Server.Tests.Api;

/// <summary>Realtime reads are cache-first, and an ingest makes a newer sample visible at once; for both cache kinds.</summary>
public abstract class RealtimeTests : IAsyncLifetime
{
    private const string Path = $"/v1/realtime?device_id={ServerFactory.Device1}";

    protected ServerFactory Server { get; set; } = null!;

    public abstract Task InitializeAsync();

    public abstract Task DisposeAsync();

    /// <summary>Lets the cache entries expire (CACHE_TTL_S is 1 s in these tests).</summary>
    protected abstract Task LetCacheExpireAsync();

    [Fact]
    public async Task A_device_without_data_is_404()
    {
        using var client = Server.CreateClient(ServerFactory.Token1);
        using var response = await client.GetAsync(Path);
        await response.ReadProblemAsync(404);
    }

    [Fact]
    public async Task An_ingest_makes_the_newer_sample_visible_immediately_while_an_older_one_does_not_replace_it()
    {
        using var client = Server.CreateClient(ServerFactory.Token1);
        await client.IngestAsync([Samples.At(ServerFactory.Device1, Samples.Start, 100)]);
        Assert.Equal(100, (await client.GetFromJsonAsync<RealtimeResponse>(Path))!.PowerW);

        await client.IngestAsync([Samples.At(ServerFactory.Device1, Samples.Start.AddSeconds(1), 200)]);
        Assert.Equal(200, (await client.GetFromJsonAsync<RealtimeResponse>(Path))!.PowerW);

        await client.IngestAsync([Samples.At(ServerFactory.Device1, Samples.Start.AddSeconds(-30), 300)]);
        var latest = (await client.GetFromJsonAsync<RealtimeResponse>(Path))!;
        Assert.Equal(200, latest.PowerW);
        Assert.Equal(Samples.Start.AddSeconds(1), latest.Ts);
    }

    [Fact]
    public async Task Reads_are_served_from_the_cache_until_the_entry_expires()
    {
        using var client = Server.CreateClient(ServerFactory.Token1);
        await client.IngestAsync([Samples.At(ServerFactory.Device1, Samples.Start, 100)]);
        Assert.Equal(100, (await client.GetFromJsonAsync<RealtimeResponse>(Path))!.PowerW);

        // Written behind the API's back: only the cache's expiry can reveal it.
        await Server.Store.AppendAsync(ServerFactory.Device1, [Samples.At(ServerFactory.Device1, Samples.Start.AddSeconds(5), 555)], default);
        Assert.Equal(100, (await client.GetFromJsonAsync<RealtimeResponse>(Path))!.PowerW);

        await LetCacheExpireAsync();
        Assert.Equal(555, (await client.GetFromJsonAsync<RealtimeResponse>(Path))!.PowerW);
    }

    [Fact]
    public async Task The_response_is_the_flat_latest_sample()
    {
        using var client = Server.CreateClient(ServerFactory.Token1);
        var sample = Samples.At(ServerFactory.Device1, Samples.Start, -750, 321.5, 12.25) with { GasM3 = 10.5, PowerL1W = -750 };
        await client.IngestAsync([sample]);

        var json = await client.GetStringAsync(Path);

        using var document = System.Text.Json.JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal(ServerFactory.Device1, root.GetProperty("device_id").GetString());
        Assert.Equal(Samples.Start, root.GetProperty("ts").GetDateTimeOffset());
        Assert.Equal(-750, root.GetProperty("power_w").GetInt32());
        Assert.Equal(0, root.GetProperty("import_power_w").GetInt32());
        Assert.Equal(321.5, root.GetProperty("energy_import_kwh").GetDouble());
        Assert.Equal(12.25, root.GetProperty("energy_export_kwh").GetDouble());
        Assert.Equal(10.5, root.GetProperty("gas_m3").GetDouble());
        Assert.Equal(-750, root.GetProperty("power_l1_w").GetInt32());
    }
}

public sealed class RealtimeWithInProcessCacheTests : RealtimeTests
{
    public override Task InitializeAsync()
    {
        Server = new ServerFactory(new Dictionary<string, string?> { ["CACHE_TTL_S"] = "1" });
        return Task.CompletedTask;
    }

    public override Task DisposeAsync()
    {
        Server.Dispose();
        return Task.CompletedTask;
    }

    protected override Task LetCacheExpireAsync()
    {
        Server.Clock.Advance(TimeSpan.FromSeconds(1.5));
        return Task.CompletedTask;
    }
}

[Collection(PostgresTests.Name)]
public sealed class RealtimeWithRedisAndPostgresTests(PostgresClusterFixture cluster) : RealtimeTests
{
    private RedisInstance? _redis;

    public override async Task InitializeAsync()
    {
        _redis = await RedisInstance.StartAsync();
        Server = new ServerFactory(new Dictionary<string, string?>
        {
            ["CACHE_TTL_S"] = "1",
            ["REDIS_URL"] = _redis.Url,
            ["DATABASE_URL"] = await cluster.Instance.CreateDatabaseAsync("realtime"),
        });
        await Server.Services.GetRequiredService<ISchemaMigrator>().MigrateAsync(default);
    }

    public override async Task DisposeAsync()
    {
        Server.Dispose();
        await _redis!.DisposeAsync();
    }

    // The memory level expires on the server's clock, Redis on its own.
    protected override Task LetCacheExpireAsync()
    {
        Server.Clock.Advance(TimeSpan.FromSeconds(1.5));
        return Task.Delay(TimeSpan.FromSeconds(1.5));
    }

    [Fact]
    public async Task The_entry_lives_in_redis_under_the_realtime_key_of_the_live_stamp()
    {
        using var client = Server.CreateClient(ServerFactory.Token1);
        await client.IngestAsync([Samples.At(ServerFactory.Device1, Samples.Start, 100)]);
        Assert.Equal(100, (await client.GetFromJsonAsync<RealtimeResponse>($"/v1/realtime?device_id={ServerFactory.Device1}"))!.PowerW);

        using var redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{_redis!.Port}");
        var live = await redis.GetDatabase().StringGetAsync(RedisDeviceStampStore.LiveKeyFor(ServerFactory.Device1));
        Assert.False(live.IsNull);
        var key = $"realtime:{ServerFactory.Device1}:{live}";
        // Redis gets its copy after the answer.
        await Eventually.TrueAsync(async () => await redis.GetDatabase().KeyExistsAsync(key), "the entry in Redis", seconds: 10);
        Assert.Contains("\"power_w\":100", (string?)await redis.GetDatabase().StringGetAsync(key));
    }
}
