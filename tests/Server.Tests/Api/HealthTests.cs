using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using P1Telemetry.Server.Storage.Migrations;
using P1Telemetry.Server.Tests.Support;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.Server.Tests.Api;

/// <summary>Outages of the real dependencies: the database is required, the cache is not.</summary>
public sealed class HealthTests : IAsyncLifetime
{
    private PostgresInstance _postgres = null!;
    private RedisInstance _redis = null!;
    private ServerFactory _server = null!;

    public async Task InitializeAsync()
    {
        // Own cluster and Redis: these tests stop them.
        _postgres = await PostgresInstance.StartAsync();
        _redis = await RedisInstance.StartAsync();
        _server = new ServerFactory(new Dictionary<string, string?>
        {
            ["DATABASE_URL"] = await _postgres.CreateDatabaseAsync("health"),
            ["REDIS_URL"] = _redis.Url,
            ["CACHE_TTL_S"] = "60",
        });
        await _server.Services.GetRequiredService<ISchemaMigrator>().MigrateAsync(default);
    }

    public async Task DisposeAsync()
    {
        _server.Dispose();
        await _redis.DisposeAsync();
        await _postgres.DisposeAsync();
    }

    [Fact]
    public async Task Healthy_when_database_and_redis_are_up()
    {
        using var client = _server.CreateClient();
        using var response = await client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("healthy", report.GetProperty("status").GetString());
        Assert.Equal("postgresql", report.GetProperty("database").GetProperty("kind").GetString());
        Assert.Equal("redis", report.GetProperty("cache").GetProperty("kind").GetString());
    }

    [Fact]
    public async Task With_redis_down_health_is_degraded_and_reads_and_writes_use_the_database()
    {
        using var client = _server.CreateClient(ServerFactory.Token1);
        await client.IngestAsync([Samples.At(ServerFactory.Device1, Samples.Start, 100)]);
        await _redis.StopAsync();

        using var health = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var report = await health.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("degraded", report.GetProperty("status").GetString());
        Assert.Equal("down", report.GetProperty("cache").GetProperty("status").GetString());
        Assert.Equal("up", report.GetProperty("database").GetProperty("status").GetString());

        var ingest = await client.IngestAsync([Samples.At(ServerFactory.Device1, Samples.Start.AddSeconds(1), 222)]);
        Assert.Equal(1, ingest.Inserted);
        var realtime = await client.GetFromJsonAsync<JsonElement>($"/v1/realtime?device_id={ServerFactory.Device1}");
        Assert.Equal(222, realtime.GetProperty("power_w").GetInt32());
        using var missing = await client.GetAsync($"/v1/realtime?device_id={ServerFactory.Device1}x");
        Assert.Equal(HttpStatusCode.Forbidden, missing.StatusCode);
    }

    [Fact]
    public async Task With_postgres_down_health_is_503_and_ingest_is_a_retryable_503_problem()
    {
        using var client = _server.CreateClient(ServerFactory.Token1);
        await _postgres.StopAsync();
        try
        {
            using var health = await client.GetAsync("/health");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            var report = await health.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("unhealthy", report.GetProperty("status").GetString());
            Assert.Equal("down", report.GetProperty("database").GetProperty("status").GetString());
            Assert.Equal("up", report.GetProperty("cache").GetProperty("status").GetString());

            using var ingest = await client.PostAsync("/v1/ingest", IngestRequests.Json([Samples.At(ServerFactory.Device1, Samples.Start)]));
            await ingest.ReadProblemAsync(503);
        }
        finally
        {
            await _postgres.StartAsync();
        }

        // Back to healthy without restarting the server.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        HttpStatusCode status;
        do
        {
            using var health = await client.GetAsync("/health");
            status = health.StatusCode;
            if (status == HttpStatusCode.OK)
            {
                break;
            }

            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, (await client.IngestAsync([Samples.At(ServerFactory.Device1, Samples.Start)])).Inserted);
    }
}
