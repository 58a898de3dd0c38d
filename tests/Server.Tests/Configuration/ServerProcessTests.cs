using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Npgsql;
using P1Telemetry.Server.Storage.Migrations;
using P1Telemetry.Server.Tests.Support;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.Server.Tests.Configuration;

/// <summary>The real executable: start-up validation, the migrate command, graceful shutdown.</summary>
[Collection(PostgresTests.Name)]
public sealed class ServerProcessTests(PostgresClusterFixture cluster) : IDisposable
{
    private readonly string _dataDirectory = TestRunDirectory.CreateSubdirectory("process");

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);

    private Dictionary<string, string?> Environment(params (string Key, string? Value)[] overrides)
    {
        var environment = new Dictionary<string, string?>
        {
            ["DEVICE_TOKENS"] = $"{ServerFactory.Token1}:{ServerFactory.Device1}",
            ["DATA_DIR"] = _dataDirectory,
        };
        foreach (var (key, value) in overrides)
        {
            environment[key] = value;
        }

        return environment;
    }

    [Theory]
    [InlineData("TRUST_FORWARDED_HEADERS", "maybe")]
    [InlineData("DEVICE_TOKENS", "no-device-here")]
    [InlineData("DATABASE_URL", "mysql://root@localhost/p1")]
    [InlineData("DATABASE_URL", "postgresql://u:p@host:99999999/db")]
    [InlineData("REDIS_URL", "memcached://localhost")]
    [InlineData("CACHE_TTL_S", "-1")]
    [InlineData("MAX_BATCH_SAMPLES", "0")]
    [InlineData("LOG_LEVEL", "Chatty")]
    [InlineData("METRICS_TOKEN", "short")]
    [InlineData("NTFY_URL", "ntfy.example/topic")]
    [InlineData("MQTT_URL", "http://broker:1883")]
    public async Task A_bad_setting_stops_the_process_with_a_message_naming_it(string variable, string value)
    {
        await using var server = ServerProcess.Start(Environment((variable, value)));

        var exitCode = await server.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, exitCode);
        Assert.Contains(variable, server.StandardError + server.StandardOutput);
    }

    [Fact]
    public async Task Migrate_applies_the_postgres_schema_and_exits()
    {
        var connectionString = await cluster.Instance.CreateDatabaseAsync("migrate");
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var url = $"postgresql://{builder.Username}@{builder.Host}:{builder.Port}/{builder.Database}?sslmode=disable";

        await using var server = ServerProcess.Start(Environment(("DATABASE_URL", url)), "migrate");

        Assert.Equal(0, await server.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var scripts = MigrationScript.Load("postgres");
        Assert.Contains($"postgresql schema at version {scripts[^1].Version}", server.StandardOutput, StringComparison.Ordinal);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM schema_version", connection);
        Assert.Equal((long)scripts.Count, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Sigterm_lets_an_in_flight_ingest_complete_and_exits_zero()
    {
        await using var server = ServerProcess.Start(Environment());
        await server.WaitUntilReadyAsync();
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ServerFactory.Token1);

        var body = new SlowBody(Encoding.UTF8.GetBytes(
            $$"""{"samples":[{"device_id":"{{ServerFactory.Device1}}","ts":"2026-03-01T10:00:00Z","power_w":5,"import_power_w":5,"energy_import_kwh":1,"energy_export_kwh":0}]}"""));
        var upload = client.PostAsync("/v1/ingest", body);
        await body.FirstHalfSent.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(300);

        await server.TerminateAsync();
        await Task.Delay(700);
        Assert.False(server.HasExited);
        body.SendRest.SetResult();

        using var response = await upload.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"inserted\":1", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, await server.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    /// <summary>A request body that stops halfway until the test lets it finish.</summary>
    private sealed class SlowBody : HttpContent
    {
        private readonly byte[] _bytes;

        public SlowBody(byte[] bytes)
        {
            _bytes = bytes;
            Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        public TaskCompletionSource FirstHalfSent { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource SendRest { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var half = _bytes.Length / 2;
            await stream.WriteAsync(_bytes.AsMemory(0, half));
            await stream.FlushAsync();
            FirstHalfSent.SetResult();
            await SendRest.Task;
            await stream.WriteAsync(_bytes.AsMemory(half));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _bytes.Length;
            return true;
        }
    }
}
