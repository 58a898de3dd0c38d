using Microsoft.Extensions.DependencyInjection;
using P1Telemetry.Server.Storage.Migrations;
using P1Telemetry.Server.Tests.Support;

namespace P1Telemetry.Server.Tests.ReadPath;

/// <summary>The read-path endpoint tests against the embedded SQLite store.</summary>
public sealed class SqliteReadPathTests : ReadPathTests
{
    protected override Task<Dictionary<string, string?>> BackendSettingsAsync() => Task.FromResult(new Dictionary<string, string?>());
}

/// <summary>The read-path endpoint tests against a private PostgreSQL server.</summary>
[Collection(PostgresTests.Name)]
public sealed class PostgresReadPathTests(PostgresClusterFixture cluster) : ReadPathTests
{
    protected override async Task<Dictionary<string, string?>> BackendSettingsAsync() =>
        new() { ["DATABASE_URL"] = await cluster.Instance.CreateDatabaseAsync("readpath") };
}

/// <summary>Shared setup: a fresh database per test, GRID_AREA Antwerpen, 6 % VAT, Europe/Brussels.</summary>
public abstract partial class ReadPathTests : IAsyncLifetime
{
    protected ServerFactory Server { get; private set; } = null!;

    protected abstract Task<Dictionary<string, string?>> BackendSettingsAsync();

    public async Task InitializeAsync()
    {
        var settings = await BackendSettingsAsync();
        settings["GRID_AREA"] = "Fluvius Antwerpen";
        settings["TIMEZONE"] = "Europe/Brussels";
        Server = new ServerFactory(settings);
        await Server.Services.GetRequiredService<ISchemaMigrator>().MigrateAsync(default);
    }

    public Task DisposeAsync()
    {
        Server.Dispose();
        return Task.CompletedTask;
    }

    protected HttpClient Client() => Server.CreateClient(ServerFactory.Token1);
}
