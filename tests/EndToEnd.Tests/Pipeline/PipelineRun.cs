using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using P1Telemetry.MeterSimulator;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.EndToEnd.Tests.Pipeline;

/// <summary>How one end-to-end run is set up.</summary>
internal sealed record PipelineSettings
{
    /// <summary>Meter seconds per real second.</summary>
    public double Speed { get; init; } = 10;

    /// <summary>Edge transport: websocket (every telegram is pushed) or poll.</summary>
    public string Transport { get; init; } = "websocket";

    public double PollIntervalSeconds { get; init; } = 0.1;

    public int BatchSize { get; init; } = 200;

    /// <summary>Changes the simulator's options before it starts (telegram outputs, faults, another start).</summary>
    public Func<SimulatorOptions, SimulatorOptions>? ConfigureSimulator { get; init; }
}

/// <summary>
/// The whole pipeline for one test, every part real: the meter simulator (v2, HTTPS, token) → the edge
/// (<c>p1-edge</c> child process) → Caddy (TLS with the test CA) → the server (<c>p1-server</c> child
/// process, HTTPS only) → PostgreSQL + Redis. Nothing in it speaks plain HTTP to the server.
/// </summary>
internal sealed class PipelineRun : IAsyncDisposable
{
    private readonly PipelineInfrastructure _infrastructure;
    private readonly Dictionary<string, string> _edgeEnvironment;
    private int _edgeStarts;
    private bool _edgePushes;

    private PipelineRun(
        PipelineInfrastructure infrastructure,
        string scratch,
        string deviceId,
        string deviceToken,
        string connectionString,
        SimulatorHost simulator,
        ChildProcess server,
        int serverPort,
        CaddyInstance caddy,
        Dictionary<string, string> edgeEnvironment)
    {
        _infrastructure = infrastructure;
        Scratch = scratch;
        DeviceId = deviceId;
        DeviceToken = deviceToken;
        ConnectionString = connectionString;
        Simulator = simulator;
        Server = server;
        ServerPort = serverPort;
        Caddy = caddy;
        _edgeEnvironment = edgeEnvironment;
        Edge = NewEdge(edgeEnvironment);
    }

    public string Scratch { get; }

    public string DeviceId { get; }

    public string DeviceToken { get; }

    public string ConnectionString { get; }

    public SimulatorHost Simulator { get; }

    public ChildProcess Server { get; }

    public int ServerPort { get; }

    public CaddyInstance Caddy { get; }

    public ChildProcess Edge { get; private set; }

    public string HealthPath => _edgeEnvironment["HEALTH_PATH"];

    public StoredData Store => new(ConnectionString, DeviceId);

    public static async Task<PipelineRun> StartAsync(PipelineInfrastructure infrastructure, PipelineSettings settings)
    {
        var scratch = TestRunDirectory.CreateSubdirectory("e2e");
        var deviceId = "meter-" + Guid.NewGuid().ToString("N")[..8];
        var deviceToken = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        // Pooled connections may predate a PostgreSQL restart of an earlier test.
        Npgsql.NpgsqlConnection.ClearAllPools();
        var connectionString = await infrastructure.Postgres.CreateDatabaseAsync("endtoend");
        var certificates = infrastructure.Certificates;

        // The meter starts in the past so that, sped up, it never runs ahead of the server's clock.
        var simulatorOptions = new SimulatorOptions
        {
            StateDirectory = Path.Combine(scratch, "sim"),
            Speed = settings.Speed,
            Start = DateTimeOffset.UtcNow.AddHours(-1),
            Seed = 7,
        };
        var simulator = await SimulatorHost.StartAsync((settings.ConfigureSimulator?.Invoke(simulatorOptions) ?? simulatorOptions) with { TemporaryStateRoot = TestRunDirectory.Root });
        var meterToken = simulator.CreatePairedToken("local/p1-edge");

        var serverPort = FreePort.Next();
        var serverEnvironment = new Dictionary<string, string>
        {
            ["DATABASE_URL"] = connectionString,
            ["REDIS_URL"] = infrastructure.Redis.Url,
            ["DEVICE_TOKENS"] = $"{deviceToken}:{deviceId}",
            // HTTPS only: a token can reach the server only through TLS.
            ["ASPNETCORE_URLS"] = $"https://127.0.0.1:{serverPort}",
            ["ASPNETCORE_Kestrel__Certificates__Default__Path"] = certificates.ServerCertificatePath,
            ["ASPNETCORE_Kestrel__Certificates__Default__KeyPath"] = certificates.ServerKeyPath,
            ["DATA_DIR"] = Path.Combine(scratch, "server-data"),
            ["LOG_LEVEL"] = "Warning",
        };
        var serverAssembly = BuiltPrograms.Server();
        await using (var migrate = ProductProcess.Create(serverAssembly, ["migrate"], serverEnvironment, scratch, "migrate"))
        {
            var exitCode = await migrate.RunToCompletionAsync(TimeSpan.FromMinutes(1));
            Assert.True(exitCode == 0, $"p1-server migrate exited with {exitCode}:\n{migrate.Output}");
        }

        var server = ProductProcess.Create(serverAssembly, [], serverEnvironment, scratch, "server");
        server.Start();
        await WaitForServerAsync(server, serverPort, certificates);

        var caddy = await CaddyInstance.StartAsync(new CaddyOptions
        {
            Upstream = new Uri($"https://127.0.0.1:{serverPort}"),
            CertificatePath = certificates.ServerCertificatePath,
            KeyPath = certificates.ServerKeyPath,
            UpstreamCaPath = certificates.CaCertificatePath,
        });

        var edgeEnvironment = new Dictionary<string, string>
        {
            ["HW_P1_HOST"] = simulator.V2BaseUri.ToString().TrimEnd('/'),
            ["HW_P1_TOKEN"] = meterToken,
            ["HW_API_VERSION"] = "2",
            ["HW_TRANSPORT"] = settings.Transport,
            ["HW_CA_FILE"] = simulator.CaCertificatePath,
            ["DEVICE_ID"] = deviceId,
            ["VPS_INGEST_URL"] = new Uri(caddy.BaseUri, "/v1/ingest").ToString(),
            ["VPS_TOKEN"] = deviceToken,
            ["VPS_CA_FILE"] = certificates.CaCertificatePath,
            ["POLL_INTERVAL_S"] = settings.PollIntervalSeconds.ToString(CultureInfo.InvariantCulture),
            ["UPLOAD_INTERVAL_S"] = "0.5",
            ["BATCH_SIZE"] = settings.BatchSize.ToString(CultureInfo.InvariantCulture),
            ["SPOOL_PATH"] = Path.Combine(scratch, "edge", "spool.db"),
            ["HEALTH_PATH"] = Path.Combine(scratch, "edge", "health.json"),
            ["BACKOFF_BASE_S"] = "0.2",
            ["BACKOFF_MAX_S"] = "2",
            ["HTTP_TIMEOUT_S"] = "5",
            ["SHUTDOWN_FLUSH_S"] = "5",
            ["LOG_LEVEL"] = "Information",
        };
        Directory.CreateDirectory(Path.Combine(scratch, "edge"));
        return new PipelineRun(infrastructure, scratch, deviceId, deviceToken, connectionString, simulator, server, serverPort, caddy, edgeEnvironment);
    }

    /// <summary>
    /// Starts the edge daemon (again) with the run's configuration plus <paramref name="overrides"/>; the
    /// spool and health file stay where they were.
    /// </summary>
    public async Task StartEdgeAsync(IReadOnlyDictionary<string, string>? overrides = null)
    {
        if (Edge.IsRunning)
        {
            throw new InvalidOperationException("The edge is running.");
        }

        await Edge.DisposeAsync();
        var environment = new Dictionary<string, string>(_edgeEnvironment);
        foreach (var (name, value) in overrides ?? new Dictionary<string, string>())
        {
            environment[name] = value;
        }

        // The v2 HTTPS meter pushes its telegrams unless the edge polls it; a P1 port (HW_P1_HOST empty) never does.
        _edgePushes = environment["HW_TRANSPORT"] != "poll" && environment["HW_P1_HOST"].Length > 0;
        Edge = NewEdge(environment);
        Edge.Start();
    }

    public Task StopServerAsync() => Server.StopAsync();

    public async Task StartServerAsync()
    {
        Server.Start();
        await WaitForServerAsync(Server, ServerPort, _infrastructure.Certificates);
    }

    /// <summary>Waits until the server stored a sample at or after <paramref name="ts"/>; fails with the logs on timeout.</summary>
    public Task WaitUntilStoredAsync(DateTimeOffset ts, TimeSpan timeout) =>
        WaitUntilAsync(async () => await Store.LatestTsAsync() >= ts, timeout, $"a sample at or after {ts:O} reached PostgreSQL");

    /// <summary>Waits until the simulated meter's clock is <paramref name="meterTime"/> past its latest reading now.</summary>
    public Task WaitForMeterTimeAsync(TimeSpan meterTime, TimeSpan timeout)
    {
        var target = Simulator.LatestReading.TsUtc + meterTime;
        return WaitUntilAsync(() => Task.FromResult(Simulator.LatestReading.TsUtc >= target), timeout, $"the meter's clock at {target:O}");
    }

    /// <summary>
    /// Polls <paramref name="condition"/> while the edge runs until it holds; fails naming <paramref name="what"/>
    /// with the logs on timeout.
    /// </summary>
    public Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) =>
        Eventually.TrueAsync(
            async () =>
            {
                AssertAlive();
                try
                {
                    return await condition();
                }
                catch (Npgsql.NpgsqlException)
                {
                    // PostgreSQL may be restarting in this test.
                    return false;
                }
            },
            what,
            timeout,
            Diagnostics);

    /// <summary>
    /// Waits until the edge's meter loop is reading again after a (re)start, and settled: a WebSocket session
    /// subscribes only after the socket connected, so the edge counts as settled once the meter produced two
    /// more telegrams after that. Returns the meter time from which it reads every telegram.
    /// </summary>
    public async Task<DateTimeOffset> WaitUntilEdgeReadsAsync(DateTimeOffset after, TimeSpan timeout)
    {
        await WaitUntilAsync(() => Task.FromResult(LastReadingAt() > after), timeout, $"the edge read the meter after {after:O}");
        if (_edgePushes)
        {
            await WaitUntilAsync(() => Task.FromResult(Edge.Output.Contains("WebSocket push connected", StringComparison.Ordinal)), timeout, "the edge's WebSocket push connected");
            using var cancellation = new CancellationTokenSource(timeout);
            await Simulator.NextReadingAsync(cancellation.Token);
            await Simulator.NextReadingAsync(cancellation.Token);
        }

        return Simulator.LatestReading.TsUtc;
    }

    private DateTimeOffset? LastReadingAt() =>
        ReadHealth() is { } health && health.TryGetProperty("last_reading_at", out var last) && last.ValueKind == JsonValueKind.String
            ? last.GetDateTimeOffset()
            : null;

    public JsonElement? ReadHealth()
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(HealthPath));
            return document.RootElement.Clone();
        }
        catch (Exception ex) when (ex is IOException or JsonException)
        {
            return null;
        }
    }

    public string Diagnostics() =>
        $"---- edge\n{Tail(Edge.Output)}\n---- server\n{Tail(Server.Output)}\n---- caddy\n{Tail(Caddy.Log)}";

    public async ValueTask DisposeAsync()
    {
        await Edge.StopAsync(TimeSpan.FromSeconds(15));
        await Edge.DisposeAsync();
        await Caddy.DisposeAsync();
        await Server.StopAsync();
        await Server.DisposeAsync();
        await Simulator.DisposeAsync();
    }

    private void AssertAlive()
    {
        Assert.True(Edge.IsRunning, $"the edge exited ({Edge.ExitCode}).\n{Diagnostics()}");
    }

    private ChildProcess NewEdge(IReadOnlyDictionary<string, string> environment) =>
        ProductProcess.Create(BuiltPrograms.Edge(), [], environment, Scratch, $"edge-{++_edgeStarts}");

    private static async Task WaitForServerAsync(ChildProcess server, int port, TestCertificates certificates)
    {
        using var client = new HttpClient(certificates.CreateTrustingHandler()) { Timeout = TimeSpan.FromSeconds(2) };
        await server.WaitUntilReadyAsync(
            async token =>
            {
                using var response = await client.GetAsync(new Uri($"https://127.0.0.1:{port}/health"), token);
                return response.IsSuccessStatusCode;
            },
            "healthy",
            TimeSpan.FromSeconds(60));
    }

    private static string Tail(string text, int lines = 40) =>
        string.Join('\n', text.Split('\n').TakeLast(lines));
}
