using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.EndToEnd.Tests.Pipeline;

/// <summary>
/// What the end-to-end tests share: one private PostgreSQL cluster (a fresh database per test), one Redis
/// and the test CA whose server certificate Caddy and the server present.
/// </summary>
public sealed class PipelineInfrastructure : IAsyncLifetime
{
    public PostgresInstance Postgres { get; private set; } = null!;

    public RedisInstance Redis { get; private set; } = null!;

    public TestCertificates Certificates { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Certificates = TestCertificates.Create();
        Postgres = await PostgresInstance.StartAsync();
        Redis = await RedisInstance.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }

        if (Postgres is not null)
        {
            await Postgres.DisposeAsync();
        }

        Certificates?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class PipelineTestGroup : ICollectionFixture<PipelineInfrastructure>
{
    public const string Name = "pipeline";
}
