using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using P1Telemetry.Server.Accounts;
using P1Telemetry.Server.Tests.Support;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.Server.Tests.Accounts;

/// <summary>Device tokens rotate without a restart; a revoked one is refused at once; last use is written sparingly.</summary>
public abstract class TokenTests : IAsyncLifetime
{
    protected AccountsServer Server { get; private set; } = null!;

    public abstract Task InitializeAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();

    protected async Task StartAsync(string? databaseUrl) => Server = await AccountsServer.StartAsync(databaseUrl);

    [Fact]
    public async Task A_new_token_works_at_once_and_the_old_one_stops_when_revoked()
    {
        using var old = Server.Client(Server.HomeAToken);
        var created = await Server.CliJsonAsync(null, "devices", "token", AccountsServer.HomeA, "--label", "rotated");
        Assert.Equal("rotated", created.GetProperty("label").GetString());
        using var rotated = Server.Client(created.GetProperty("token").GetString());

        Assert.Equal(HttpStatusCode.OK, (await rotated.GetAsync("/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await old.GetAsync("/v1/me")).StatusCode);

        var (code, _, error) = await Server.CliAsync(null, "devices", "revoke", AccountsServer.HomeA, "default");
        Assert.True(code == 0, error);

        using var refused = await old.GetAsync("/v1/me");
        await refused.ReadProblemAsync(401);
        Assert.Equal(HttpStatusCode.OK, (await rotated.GetAsync("/v1/me")).StatusCode);
        await rotated.IngestAsync([Samples.At(AccountsServer.HomeA, Samples.Start.AddHours(1.95), 500, 3000)]);
    }

    [Fact]
    public async Task Tokens_are_stored_only_as_hashes()
    {
        var (_, listing, _) = await Server.CliAsync(null, "devices", "list", "--json");
        Assert.DoesNotContain(Server.HomeAToken, listing, StringComparison.Ordinal);
        Assert.Null(await Server.Services.GetRequiredService<DeviceStore>().FindByTokenHashAsync(
            System.Text.Encoding.UTF8.GetBytes(Server.HomeAToken), default));
        Assert.NotNull(await Server.Services.GetRequiredService<DeviceStore>().FindByTokenHashAsync(SecretTokens.Hash(Server.HomeAToken), default));
    }

    [Fact]
    public async Task Last_use_is_written_at_most_once_a_minute()
    {
        var devices = Server.Services.GetRequiredService<DeviceStore>();
        async Task<DateTimeOffset?> LastUsedAsync() => (await devices.ListTokensAsync(AccountsServer.HomeA, default)).Single(t => t.Label == "default").LastUsedAt;

        using var client = Server.Client(Server.HomeAToken);
        await client.GetAsync("/v1/me");
        var first = await LastUsedAsync();
        Assert.Equal(Server.Factory.Clock.GetUtcNow(), first);

        Server.Factory.Clock.Advance(TimeSpan.FromSeconds(30));
        await client.GetAsync("/v1/me");
        Assert.Equal(first, await LastUsedAsync());

        Server.Factory.Clock.Advance(TimeSpan.FromSeconds(31));
        await client.GetAsync("/v1/me");
        Assert.Equal(Server.Factory.Clock.GetUtcNow(), await LastUsedAsync());
    }

    [Fact]
    public async Task The_commands_refuse_what_does_not_exist_or_is_malformed()
    {
        Assert.Equal(1, (await Server.CliAsync(null, "devices", "add", AccountsServer.HomeA)).ExitCode);
        Assert.Equal(2, (await Server.CliAsync(null, "devices", "add", "bad id")).ExitCode);
        Assert.Equal(2, (await Server.CliAsync(null, "devices", "add", "home-x", "--timezone", "Mars/Base")).ExitCode);
        Assert.Equal(2, (await Server.CliAsync(null, "devices", "add", "home-x", "--grid-area", "Atlantis")).ExitCode);
        Assert.Equal(1, (await Server.CliAsync(null, "devices", "token", "home-x")).ExitCode);
        Assert.Equal(1, (await Server.CliAsync(null, "devices", "revoke", AccountsServer.HomeA, "no-such-label")).ExitCode);
        Assert.Equal(1, (await Server.CliAsync(AccountsServer.Password, "users", "add", "olivia", "--password-stdin")).ExitCode);
        Assert.Equal(2, (await Server.CliAsync("short", "users", "add", "newbie", "--password-stdin")).ExitCode);
        Assert.Equal(1, (await Server.CliAsync(null, "users", "grant", "olivia", "home-x")).ExitCode);
        Assert.NotEqual(0, (await Server.CliAsync(null, "users", "grant", "olivia", AccountsServer.HomeB, "--role", "god")).ExitCode);
        Assert.Equal(1, (await Server.CliAsync(null, "users", "token", "nobody")).ExitCode);
    }
}

public sealed class SqliteTokenTests : TokenTests
{
    public override Task InitializeAsync() => StartAsync(null);
}

[Collection(PostgresTests.Name)]
public sealed class PostgresTokenTests(PostgresClusterFixture cluster) : TokenTests
{
    public override async Task InitializeAsync() => await StartAsync(await cluster.Instance.CreateDatabaseAsync("tokens"));
}

/// <summary>Two server processes on one PostgreSQL: tokens are never cached, so each change holds on both at once.</summary>
[Collection(PostgresTests.Name)]
public sealed class ReplicaTokenTests(PostgresClusterFixture cluster)
{
    [Fact]
    public async Task A_token_created_or_revoked_by_the_command_holds_at_once_on_every_replica()
    {
        var builder = new NpgsqlConnectionStringBuilder(await cluster.Instance.CreateDatabaseAsync("replicas"));
        // Replicas of one database share their caches through Redis (a replica without it refuses to start).
        await using var redis = await RedisInstance.StartAsync();
        var environment = new Dictionary<string, string?>
        {
            ["DATABASE_URL"] = $"postgresql://{builder.Username}@{builder.Host}:{builder.Port}/{builder.Database}?sslmode=disable",
            ["REDIS_URL"] = redis.Url,
            ["LOG_LEVEL"] = "Warning",
        };
        await ServerProcess.MigrateAsync(environment);
        var first = (await CommandAsync(environment, "devices", "add", "home-r", "--json")).GetProperty("token").GetString()!;

        await using var one = await ServerProcess.StartAsync(environment);
        await using var two = await ServerProcess.StartAsync(environment);
        var second = (await CommandAsync(environment, "devices", "token", "home-r", "--label", "second", "--json")).GetProperty("token").GetString()!;

        foreach (var server in new[] { one, two })
        {
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(server, first));
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(server, second));
        }

        await CommandAsync(environment, "devices", "revoke", "home-r", "default", "--json");

        foreach (var server in new[] { one, two })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(server, first));
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(server, second));
        }
    }

    private static async Task<HttpStatusCode> StatusAsync(ServerProcess server, string token)
    {
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await client.GetAsync("/v1/me");
        return response.StatusCode;
    }

    private static async Task<System.Text.Json.JsonElement> CommandAsync(IDictionary<string, string?> environment, params string[] args)
    {
        return System.Text.Json.JsonDocument.Parse(await ServerProcess.RunAsync(environment, null, args)).RootElement;
    }
}
