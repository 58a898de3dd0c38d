using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.Server.Storage.Migrations;
using P1Telemetry.Server.Tests.Support;
using static P1Telemetry.Server.Tests.ReadPath.ReadSamples;

namespace P1Telemetry.Server.Tests.Api;

/// <summary>Ingest against the embedded SQLite store.</summary>
public sealed class SqliteIngestSafetyTests : IngestSafetyTests
{
    protected override Task<Dictionary<string, string?>> BackendSettingsAsync() => Task.FromResult(new Dictionary<string, string?>());

    protected override async Task DropOddSecondsSilentlyAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(Server.DataDirectory, "p1.db")}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        // ts is stored in microseconds since the epoch.
        command.CommandText = """
            CREATE TRIGGER drop_odd_seconds BEFORE INSERT ON samples
            WHEN (NEW.ts / 1000000) % 2 = 1
            BEGIN SELECT RAISE(IGNORE); END;
            """;
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>Ingest against a private PostgreSQL server.</summary>
[Collection(PostgresTests.Name)]
public sealed class PostgresIngestSafetyTests(PostgresClusterFixture cluster) : IngestSafetyTests
{
    private string _connectionString = null!;

    protected override async Task<Dictionary<string, string?>> BackendSettingsAsync()
    {
        _connectionString = await cluster.Instance.CreateDatabaseAsync("ingestsafety");
        return new() { ["DATABASE_URL"] = _connectionString };
    }

    protected override async Task DropOddSecondsSilentlyAsync()
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            CREATE FUNCTION drop_odd_seconds() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF extract(epoch FROM NEW.ts)::bigint % 2 = 1 THEN
                    RETURN NULL;
                END IF;
                RETURN NEW;
            END
            $$;
            CREATE TRIGGER drop_odd_seconds BEFORE INSERT ON samples FOR EACH ROW EXECUTE FUNCTION drop_odd_seconds();
            """, connection);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>
/// An acknowledgement means durable: a store that skips rows silently answers 503, and caches are renewed
/// once rows were committed, whatever happens to the request afterwards.
/// </summary>
public abstract class IngestSafetyTests : IAsyncLifetime
{
    private const string Device = ServerFactory.Device1;

    protected ServerFactory Server { get; private set; } = null!;

    private FaultInjectingStore Faults => Server.Services.GetRequiredService<FaultInjectingStore>();

    protected abstract Task<Dictionary<string, string?>> BackendSettingsAsync();

    /// <summary>A BEFORE INSERT trigger that drops every sample of an odd second without an error.</summary>
    protected abstract Task DropOddSecondsSilentlyAsync();

    public async Task InitializeAsync()
    {
        Server = new ServerFactory(await BackendSettingsAsync()) { TestServices = FaultInjectingStore.Install };
        await Server.Services.GetRequiredService<ISchemaMigrator>().MigrateAsync(default);
    }

    public Task DisposeAsync()
    {
        Server.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Rows_dropped_silently_by_the_database_are_a_503_and_nothing_is_acknowledged()
    {
        await DropOddSecondsSilentlyAsync();
        using var client = Server.CreateClient(ServerFactory.Token1);
        var samples = Samples.Series(Device, Samples.Start, 10, TimeSpan.FromSeconds(1));

        using var response = await client.PostAsync("/v1/ingest", IngestRequests.Json(samples));

        var problem = await response.ReadProblemAsync(503);
        Assert.Equal("https://p1telemetry.org/problems/duplicates-not-confirmed", problem.GetProperty("type").GetString());
        Assert.Equal(5, problem.GetProperty("missing").GetInt32());
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Null(await Server.Store.GetLatestAsync(Device, default));
    }

    [Fact]
    public async Task Real_duplicates_are_confirmed_and_acknowledged()
    {
        using var client = Server.CreateClient(ServerFactory.Token1);
        var samples = Samples.Series(Device, Samples.Start, 10, TimeSpan.FromSeconds(1));
        Assert.Equal(10, (await client.IngestAsync(samples)).Inserted);

        var again = await client.IngestAsync([.. samples, samples[3], Samples.At(Device, Samples.Start.AddSeconds(20))]);

        Assert.Equal(1, again.Inserted);
        Assert.Equal(11, again.Duplicates);
    }

    [Fact]
    public async Task A_failure_right_after_the_commit_leaves_no_stale_cache_once_the_edge_retries()
    {
        using var client = Server.CreateClient(ServerFactory.Token1);
        await WarmCachesAsync(client);
        var backlog = Backlog();

        Faults.FailAfterNextAppend = true;
        using (var failed = await client.PostAsync("/v1/ingest", IngestRequests.Json(backlog)))
        {
            Assert.False(failed.IsSuccessStatusCode);
        }

        // The edge kept the batch and sends it again: every sample is now a duplicate.
        var retry = await client.IngestAsync(backlog);
        Assert.Equal(0, retry.Inserted);

        await AssertFreshAsync(client);
    }

    [Fact]
    public async Task An_ingest_reads_nothing_back_after_its_commit_so_a_failing_read_cannot_leave_caches_stale()
    {
        using var client = Server.CreateClient(ServerFactory.Token1);
        await WarmCachesAsync(client);

        Faults.FailNextLatestRead = true;
        var response = await client.IngestAsync(Backlog());
        Assert.Equal(Backlog().Count, response.Inserted);

        // The armed failure is still waiting: the ingest never read the latest sample.
        Assert.True(Faults.FailNextLatestRead);
        Faults.FailNextLatestRead = false;
        await AssertFreshAsync(client);
    }

    [Fact]
    public async Task Series_over_everything_is_cached_until_the_next_ingest()
    {
        using var client = Server.CreateClient(ServerFactory.Token1);
        await client.IngestAsync(Steady(Device, Utc("2026-02-10T12:00:00Z"), Utc("2026-02-10T12:15:00Z"), _ => 1000));
        const string path = $"/v1/series?device_id={Device}&frame=all&bucket=day";
        await GetJsonAsync(client, path);
        var reads = Faults.QuarterHourReads;

        var cached = await GetJsonAsync(client, path);
        Assert.Equal(reads, Faults.QuarterHourReads);

        // Live data of today changes the last bucket of everything.
        await client.IngestAsync(Steady(Device, Utc("2026-03-01T11:00:00Z"), Utc("2026-03-01T11:15:00Z"), _ => 2000, startKwh: 1100));
        var fresh = await GetJsonAsync(client, path);
        Assert.True(Faults.QuarterHourReads > reads);
        Assert.Equal("2026-03-01T00:00:00+01:00", fresh.GetProperty("series").EnumerateArray().Last().GetProperty("start").GetString());
        Assert.NotEqual(cached.GetProperty("series").GetArrayLength(), fresh.GetProperty("series").GetArrayLength());
    }

    [Fact]
    public async Task A_series_of_too_many_buckets_is_a_400_naming_the_limit()
    {
        using var client = Server.CreateClient(ServerFactory.Token1);
        await client.IngestAsync([Samples.At(Device, Utc("2024-01-10T12:00:00Z"), importKwh: 10), Samples.At(Device, Utc("2026-03-01T11:00:00Z"), importKwh: 20)]);

        using var response = await client.GetAsync($"/v1/series?device_id={Device}&frame=all&bucket=hour");

        var problem = await response.ReadProblemAsync(400);
        Assert.Equal(10_000, problem.GetProperty("max_buckets").GetInt32());
        Assert.Contains("10000", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(27, (await GetJsonAsync(client, $"/v1/series?device_id={Device}&frame=all&bucket=month")).GetProperty("series").GetArrayLength());
        await GetJsonAsync(client, $"/v1/series?device_id={Device}&frame=year&date=2025-06-01&bucket=hour");
    }

    /// <summary>February (settled) at 1 kW, and every read of it and of the device cached.</summary>
    private async Task WarmCachesAsync(HttpClient client)
    {
        await client.IngestAsync(Steady(Device, Utc("2026-02-10T12:00:00Z"), Utc("2026-02-10T12:15:00Z"), _ => 1000));
        Assert.Equal(1000, (await GetJsonAsync(client, $"/v1/capacity/month/2026-02?device_id={Device}")).GetProperty("monthly_peak_w").GetDouble(), 1);
        await GetJsonAsync(client, $"/v1/capacity/year/2026?device_id={Device}");
        await GetJsonAsync(client, $"/v1/series?device_id={Device}&frame=month&date=2026-02-01&bucket=day");
        await GetJsonAsync(client, $"/v1/series?device_id={Device}&frame=all&bucket=day");
        Assert.Equal(Utc("2026-02-10T12:15:00Z"), (await GetJsonAsync(client, $"/v1/realtime?device_id={Device}")).GetProperty("ts").GetDateTimeOffset());
    }

    /// <summary>A backlog quarter at 9 kW on 11 February and the reading of a minute ago.</summary>
    private static List<Sample> Backlog() =>
    [
        .. Steady(Device, Utc("2026-02-11T12:00:00Z"), Utc("2026-02-11T12:15:00Z"), _ => 9000, startKwh: 1001),
        Samples.At(Device, Utc("2026-03-01T11:59:00Z"), powerW: 500, importKwh: 1010),
    ];

    private static async Task AssertFreshAsync(HttpClient client)
    {
        Assert.Equal(9000, (await GetJsonAsync(client, $"/v1/capacity/month/2026-02?device_id={Device}")).GetProperty("monthly_peak_w").GetDouble(), 1);
        Assert.Equal(9000, (await GetJsonAsync(client, $"/v1/capacity/year/2026?device_id={Device}")).GetProperty("months")[1].GetProperty("monthly_peak_w").GetDouble(), 1);
        var month = await GetJsonAsync(client, $"/v1/series?device_id={Device}&frame=month&date=2026-02-01&bucket=day");
        Assert.Contains(month.GetProperty("series").EnumerateArray(), b => b.GetProperty("start").GetString() == "2026-02-11T00:00:00+01:00");
        var all = await GetJsonAsync(client, $"/v1/series?device_id={Device}&frame=all&bucket=day");
        Assert.Contains(all.GetProperty("series").EnumerateArray(), b => b.GetProperty("start").GetString() == "2026-03-01T00:00:00+01:00");
        Assert.Equal(Utc("2026-03-01T11:59:00Z"), (await GetJsonAsync(client, $"/v1/realtime?device_id={Device}")).GetProperty("ts").GetDateTimeOffset());
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }
}
