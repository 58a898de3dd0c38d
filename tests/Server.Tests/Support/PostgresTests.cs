using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.Server.Tests.Support;

/// <summary>One private PostgreSQL cluster shared by every test class of the collection; each class makes its own database.</summary>
public sealed class PostgresClusterFixture : IAsyncLifetime
{
    private PostgresInstance? _instance;

    public PostgresInstance Instance => _instance ?? throw new InvalidOperationException("The cluster has not started.");

    public async Task InitializeAsync() => _instance = await PostgresInstance.StartAsync();

    public async Task DisposeAsync()
    {
        if (_instance is not null)
        {
            await _instance.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresTests : ICollectionFixture<PostgresClusterFixture>
{
    public const string Name = "PostgreSQL";
}
