using System.Security.Cryptography;
using System.Text.Json;
using P1Telemetry.MeterSimulator;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.ChaosBench;

/// <summary>
/// Every part of a production install, real and separate: the meter (the simulator, in this process), the edge
/// (<c>p1-edge</c>, polling v2 over HTTPS), Caddy (HTTPS, balancing over both replicas), two <c>p1-server</c>
/// replicas, one PostgreSQL with fsync on and one Redis. Each part can be killed or stopped and brought back
/// on the same ports, data and spool.
/// </summary>
internal sealed class ChaosRig : IAsyncDisposable
{
    private readonly Dictionary<string, string?> _edgeEnvironment;
    private readonly Uri[] _upstreams;

    private ChaosRig(
        string directory, TestCertificates certificates, PostgresInstance postgres, RedisInstance redis, string connectionString,
        string deviceId, SimulatorHost meter, ChildProcess[] replicas, Uri[] upstreams, CaddyInstance caddy, Dictionary<string, string?> edgeEnvironment)
    {
        _upstreams = upstreams;
        Directory = directory;
        Certificates = certificates;
        Postgres = postgres;
        Redis = redis;
        ConnectionString = connectionString;
        DeviceId = deviceId;
        Meter = meter;
        Replicas = replicas;
        Caddy = caddy;
        _edgeEnvironment = edgeEnvironment;
        var command = BuiltPrograms.CommandLine(BuiltPrograms.Edge());
        Edge = new ChildProcess(command[0], command[1..], new ChildProcessOptions
        {
            Environment = edgeEnvironment,
            WorkingDirectory = directory,
            LogPath = Path.Combine(directory, "edge.log"),
        });
    }

    public string Directory { get; }

    public TestCertificates Certificates { get; }

    public PostgresInstance Postgres { get; }

    public RedisInstance Redis { get; }

    public string ConnectionString { get; }

    public string DeviceId { get; }

    public SimulatorHost Meter { get; }

    public ChildProcess[] Replicas { get; }

    public CaddyInstance Caddy { get; }

    public ChildProcess Edge { get; }

    public string HealthPath => _edgeEnvironment["HEALTH_PATH"]!;

    public string SpoolPath => _edgeEnvironment["SPOOL_PATH"]!;

    public static async Task<ChaosRig> StartAsync()
    {
        var directory = TestRunDirectory.CreateSubdirectory("chaos");
        var certificates = TestCertificates.Create(Path.Combine(directory, "certs"));
        var postgres = await PostgresInstance.StartAsync(durable: true);
        var redis = await RedisInstance.StartAsync();
        var connectionString = await postgres.CreateDatabaseAsync("chaos");

        var deviceId = "meter-" + Guid.NewGuid().ToString("N")[..8];
        var deviceToken = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        var serverEnvironment = new Dictionary<string, string?>
        {
            ["DATABASE_URL"] = connectionString,
            ["REDIS_URL"] = redis.Url,
            ["DEVICE_TOKENS"] = $"{deviceToken}:{deviceId}",
            ["LOG_LEVEL"] = "Warning",
        };
        await ServerProcess.MigrateAsync(serverEnvironment);

        var serverCommand = BuiltPrograms.CommandLine(BuiltPrograms.Server());
        var replicas = new ChildProcess[2];
        var upstreams = new Uri[replicas.Length];
        for (var i = 0; i < replicas.Length; i++)
        {
            upstreams[i] = new Uri($"http://127.0.0.1:{FreePort.Next()}");
            replicas[i] = new ChildProcess(serverCommand[0], serverCommand[1..], new ChildProcessOptions
            {
                WorkingDirectory = AppContext.BaseDirectory,
                Environment = new Dictionary<string, string?>(serverEnvironment)
                {
                    ["ASPNETCORE_URLS"] = upstreams[i].ToString().TrimEnd('/'),
                    ["DATA_DIR"] = Path.Combine(directory, $"replica-{i + 1}"),
                },
                LogPath = Path.Combine(directory, $"replica-{i + 1}.log"),
            });
        }

        var caddy = await CaddyInstance.StartAsync(new CaddyOptions
        {
            Upstream = upstreams[0],
            MoreUpstreams = upstreams[1..],
            CertificatePath = certificates.ServerCertificatePath,
            KeyPath = certificates.ServerKeyPath,
        });

        var meter = await SimulatorHost.StartAsync(new SimulatorOptions { StateDirectory = Path.Combine(directory, "meter"), Seed = 11 });
        var edgeEnvironment = new Dictionary<string, string?>
        {
            ["HW_P1_HOST"] = meter.V2BaseUri.ToString().TrimEnd('/'),
            ["HW_P1_TOKEN"] = meter.CreatePairedToken("local/p1-edge"),
            ["HW_API_VERSION"] = "2",
            ["HW_CA_FILE"] = meter.CaCertificatePath,
            // Polled twice per reading, so that every reading is read once the meter answers; the meter's
            // 5xx, drops and hangs then hit the edge's reads.
            ["HW_TRANSPORT"] = "poll",
            ["POLL_INTERVAL_S"] = "0.5",
            ["DEVICE_ID"] = deviceId,
            ["VPS_INGEST_URL"] = new Uri(caddy.BaseUri, "/v1/ingest").ToString(),
            ["VPS_TOKEN"] = deviceToken,
            ["VPS_CA_FILE"] = certificates.CaCertificatePath,
            ["UPLOAD_INTERVAL_S"] = "1",
            ["SPOOL_PATH"] = Path.Combine(directory, "edge", "spool.db"),
            ["HEALTH_PATH"] = Path.Combine(directory, "edge", "health.json"),
            ["BACKOFF_BASE_S"] = "0.2",
            ["BACKOFF_MAX_S"] = "2",
            ["HTTP_TIMEOUT_S"] = "3",
            ["LOG_LEVEL"] = "Warning",
        };
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "edge"));

        var rig = new ChaosRig(directory, certificates, postgres, redis, connectionString, deviceId, meter, replicas, upstreams, caddy, edgeEnvironment);
        for (var i = 0; i < replicas.Length; i++)
        {
            await rig.StartReplicaAsync(i);
        }

        await SpoolAudit.InstallAsync(rig.SpoolPath, CancellationToken.None);
        rig.Edge.Start();
        return rig;
    }

    public async Task StartReplicaAsync(int index)
    {
        var replica = Replicas[index];
        replica.Start();
        using var client = new HttpClient { BaseAddress = _upstreams[index], Timeout = TimeSpan.FromSeconds(2) };
        await replica.WaitUntilReadyAsync(
            async token => (await client.GetAsync("/health/live", token)).IsSuccessStatusCode,
            "answering /health/live",
            TimeSpan.FromSeconds(60));
    }

    /// <summary>The edge's spool depth from its health file (null while there is none).</summary>
    public long? SpoolDepth()
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(HealthPath));
            return document.RootElement.TryGetProperty("spool_depth", out var depth) ? depth.GetInt64() : null;
        }
        catch (Exception ex) when (ex is IOException or JsonException)
        {
            return null;
        }
    }

    public string Logs() => string.Join('\n',
        new[] { Edge }.Concat(Replicas).Select(p => $"--- {p.Name} (last lines)\n{string.Join('\n', p.Output.Split('\n').TakeLast(15))}"));

    public async ValueTask DisposeAsync()
    {
        await Edge.DisposeAsync();
        await Caddy.DisposeAsync();
        foreach (var replica in Replicas)
        {
            await replica.DisposeAsync();
        }

        await Meter.DisposeAsync();
        await Redis.DisposeAsync();
        await Postgres.DisposeAsync();
        Certificates.Dispose();
    }
}
