using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using P1Telemetry.Server.Storage.Migrations;
using P1Telemetry.Server.Tests.Support;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.Server.Tests.Api;

/// <summary>A private PostgreSQL cluster and Redis for the outage tests, which stop and restart them.</summary>
public sealed class OutageDependencies : IAsyncLifetime
{
    public PostgresInstance Postgres { get; private set; } = null!;

    public RedisInstance Redis { get; private set; } = null!;

    public ServerFactory Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Postgres = await PostgresInstance.StartAsync();
        Redis = await RedisInstance.StartAsync();
        Server = new ServerFactory(new Dictionary<string, string?>
        {
            ["DATABASE_URL"] = await Postgres.CreateDatabaseAsync("health"),
            ["REDIS_URL"] = Redis.Url,
            ["CACHE_TTL_S"] = "60",
        });
        await Server.Services.GetRequiredService<ISchemaMigrator>().MigrateAsync(default);
    }

    public async Task DisposeAsync()
    {
        Server.Dispose();
        await Redis.DisposeAsync();
        await Postgres.DisposeAsync();
    }
}

/// <summary>Outages of the real dependencies: the database is required, the cache is not. Each test restores what it stopped.</summary>
public sealed class HealthTests(OutageDependencies dependencies) : IClassFixture<OutageDependencies>
{
    private PostgresInstance Database => dependencies.Postgres;

    private RedisInstance Cache => dependencies.Redis;

    private ServerFactory App => dependencies.Server;

    [Fact]
    public async Task Healthy_when_database_and_redis_are_up()
    {
        using var client = App.CreateClient();
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
        using var client = App.CreateClient(ServerFactory.Token1);
        await client.IngestAsync([Samples.At(ServerFactory.Device1, Samples.Start.AddHours(-1), 100)]);
        await Cache.StopAsync();
        try
        {
            await AssertDegradedButServingAsync(client);
        }
        finally
        {
            await Cache.StartAgainAsync();
        }
    }

    private static async Task AssertDegradedButServingAsync(HttpClient client)
    {

        using var health = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var report = await health.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("degraded", report.GetProperty("status").GetString());
        Assert.Equal("down", report.GetProperty("cache").GetProperty("status").GetString());
        Assert.Equal("up", report.GetProperty("database").GetProperty("status").GetString());

        var ingest = await client.IngestAsync([Samples.At(ServerFactory.Device1, Samples.Start.AddHours(1), 222)]);
        Assert.Equal(1, ingest.Inserted);
        var realtime = await client.GetFromJsonAsync<JsonElement>($"/v1/realtime?device_id={ServerFactory.Device1}");
        Assert.Equal(222, realtime.GetProperty("power_w").GetInt32());
        using var missing = await client.GetAsync($"/v1/realtime?device_id={ServerFactory.Device1}x");
        Assert.Equal(HttpStatusCode.Forbidden, missing.StatusCode);
    }

    [Fact]
    public async Task With_postgres_down_health_is_503_and_ingest_is_a_retryable_503_problem()
    {
        using var client = App.CreateClient(ServerFactory.Token1);
        await Database.StopAsync();
        try
        {
            using var health = await client.GetAsync("/health");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            var report = await health.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("unhealthy", report.GetProperty("status").GetString());
            Assert.Equal("down", report.GetProperty("database").GetProperty("status").GetString());
            Assert.Equal("up", report.GetProperty("cache").GetProperty("status").GetString());
            // Health is public: no connection details or exception text, only a pointer to the log.
            Assert.DoesNotContain("127.0.0.1", report.GetRawText(), StringComparison.Ordinal);
            Assert.DoesNotContain(Database.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), report.GetRawText(), StringComparison.Ordinal);
            Assert.Contains("server log", report.GetProperty("database").GetProperty("error").GetString(), StringComparison.Ordinal);

            using var ingest = await client.PostAsync("/v1/ingest", IngestRequests.Json([Samples.At(ServerFactory.Device1, Samples.Start)]));
            await ingest.ReadProblemAsync(503);
        }
        finally
        {
            await Database.StartAsync();
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
        Assert.Equal(1, (await client.IngestAsync([Samples.At(ServerFactory.Device1, Samples.Start.AddMinutes(-30))])).Inserted);
    }
}
