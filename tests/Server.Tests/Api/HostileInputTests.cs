using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Npgsql;
using P1Telemetry.Server.Tests.Support;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.Server.Tests.Api;

/// <summary>The hostile-input run against the real server process storing into SQLite.</summary>
public sealed class SqliteHostileInputTests : HostileInputTests
{
    protected override Task<Dictionary<string, string?>> BackendAsync() => Task.FromResult(new Dictionary<string, string?>());

    protected override async Task<long> CountStoredSamplesAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(DataDirectory, "p1.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM samples";
        return (long)(await command.ExecuteScalarAsync())!;
    }
}

/// <summary>The hostile-input run against the real server process storing into a private PostgreSQL.</summary>
[Collection(PostgresTests.Name)]
public sealed class PostgresHostileInputTests(PostgresClusterFixture cluster) : HostileInputTests
{
    private string _connectionString = null!;

    protected override async Task<Dictionary<string, string?>> BackendAsync()
    {
        _connectionString = await cluster.Instance.CreateDatabaseAsync("hostile");
        var environment = new Dictionary<string, string?> { ["DATABASE_URL"] = _connectionString, ["DEVICE_TOKENS"] = Tokens };
        await ServerProcess.MigrateAsync(environment);
        return environment;
    }

    protected override async Task<long> CountStoredSamplesAsync()
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM samples", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}

/// <summary>
/// A seeded generator sends thousands of malformed, mistyped, oversized, unauthorized and wrong-method
/// requests over real HTTP to every endpoint (those of the OpenAPI document and the pages outside it), a few
/// connections at once. No answer may be a 5xx, no connection may drop except after a 413, the server stays
/// healthy, and exactly the samples that 200 answers counted as inserted are stored.
/// </summary>
public abstract class HostileInputTests : IAsyncLifetime
{
    protected const string Tokens = $"{ServerFactory.Token1}:{ServerFactory.Device1},{ServerFactory.Token2}:{ServerFactory.Device2}";
    private const int Seed = 20_260_301;
    private const int RequestCount = 10_000;
    private const int Connections = 4;
    private const int MaxBodyBytes = 262_144;

    private static readonly string[] Hostile =
    [
        "", " ", "%00", "%ED%A0%80", "%C3%28", "%FF%FE", new('x', 3000), "-1", "0", "99999999999999999999", "1e999", "NaN",
        "2026-02-30", "2026-13", "9999-12-31", "0001-01-01", "null", "%5B%5D", "%7B%7D", "%27%3B%20DROP%20TABLE%20samples%3B--",
        "..%2F..%2Fetc%2Fpasswd", ServerFactory.Device2, "meter-1%00", "2026-03-01T10:00:00", "2026-03-01T10:00:00%2B25:00",
    ];

    private static readonly string[] JunkFields =
    [
        "\"1500\"", "\"\\ud800\"", "\"\\udfff\\ud800\"", "1e999", "-1e999", "1e12", "2e9", "-5", "1.5", "true", "null", "[]", "{}", "[[[[1]]]]",
        "\"\"", "\"NaN\"", "\"Infinity\"", "\"2026-03-01T10:00:00\"", "\"2099-01-01T00:00:00Z\"", "\"1999-01-01T00:00:00Z\"",
        "\"meter-2\"", "\"meter 1\"", "\"" + new string('9', 500) + "\"", new string('9', 400), "0.0000000000000000000001",
    ];

    private static readonly string[] SampleFields =
    [
        "device_id", "ts", "power_w", "import_power_w", "energy_import_kwh", "energy_export_kwh", "average_power_15m_w",
        "monthly_power_peak_w", "monthly_power_peak_ts", "power_l1_w", "gas_m3", "gas_ts",
    ];

    private static readonly HttpMethod[] Methods = [HttpMethod.Get, HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch, HttpMethod.Head, HttpMethod.Options];

    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;
    private ServerProcess? _server;
    private List<Endpoint> _endpoints = [];

    protected string DataDirectory { get; } = TestRunDirectory.CreateSubdirectory("hostile");

    protected abstract Task<Dictionary<string, string?>> BackendAsync();

    protected abstract Task<long> CountStoredSamplesAsync();

    public async Task InitializeAsync()
    {
        var environment = await BackendAsync();
        environment["DEVICE_TOKENS"] = Tokens;
        environment["DATA_DIR"] = DataDirectory;
        environment["MAX_BODY_BYTES"] = MaxBodyBytes.ToString(CultureInfo.InvariantCulture);
        environment["MAX_BATCH_SAMPLES"] = "200";
        environment["LOG_LEVEL"] = "Warning";
        _server = await ServerProcess.StartAsync(environment);
        _endpoints = await DocumentedEndpointsAsync();
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(DataDirectory, recursive: true);
    }

    [Fact]
    public async Task Ten_thousand_hostile_requests_get_no_5xx_drop_no_connection_and_store_exactly_what_was_acknowledged()
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = Connections, AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        using var client = new HttpClient(handler) { BaseAddress = _server!.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var failures = new ConcurrentQueue<string>();
        var statuses = new ConcurrentDictionary<int, int>();
        long inserted = 0;
        var next = -1;

        async Task WorkAsync()
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < RequestCount)
            {
                var planned = Plan(new Random(Seed + index));
                using var request = planned.Build();
                try
                {
                    using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                    var status = (int)response.StatusCode;
                    if (status == 200 && response.Content.Headers.ContentType?.MediaType == "text/event-stream")
                    {
                        // A live stream that was accepted never ends by itself: its status and headers are the answer.
                        statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
                        continue;
                    }

                    var body = await response.Content.ReadAsByteArrayAsync();
                    statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
                    if (status >= 500)
                    {
                        failures.Enqueue($"#{index} {planned}: {status} {Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 300)))}");
                    }
                    else if (status >= 400 && !RejectedByKestrel(planned, status, body) && request.Method != HttpMethod.Head
                        && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                    {
                        failures.Enqueue($"#{index} {planned}: {status} is not problem+json ({response.Content.Headers.ContentType})");
                    }
                    else if (status == 200 && planned.IsIngest)
                    {
                        using var json = JsonDocument.Parse(body);
                        Interlocked.Add(ref inserted, json.RootElement.GetProperty("inserted").GetInt32());
                    }
                }
                catch (HttpRequestException ex) when (planned.Oversized)
                {
                    // The server may close the connection once it answered 413 to a body it will not read.
                    _ = ex;
                    statuses.AddOrUpdate(-413, 1, (_, n) => n + 1);
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
                {
                    failures.Enqueue($"#{index} {planned}: the connection failed: {ex.GetType().Name} {ex.Message}");
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Connections).Select(_ => Task.Run(WorkAsync)));

        var summary = string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}"));
        Assert.True(failures.IsEmpty, $"{failures.Count} bad answers ({summary}):\n{string.Join('\n', failures.Take(30))}");
        Assert.False(_server.HasExited, _server.StandardError);
        using (var health = await client.GetAsync("/health"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        Assert.True(inserted > 0, summary);
        Assert.True(statuses.Keys.Count(s => s >= 400) >= 6, summary);
        Assert.Equal(inserted, await CountStoredSamplesAsync());
    }

    /// <summary>
    /// Kestrel answers a request line it refuses (a NUL in the decoded path, an URL or headers over its limits)
    /// itself, before any middleware runs, with an empty body.
    /// </summary>
    private static bool RejectedByKestrel(Planned planned, int status, byte[] body) =>
        body.Length == 0 && (status is 414 or 431 || (status == 400 && planned.Path.Split('?')[0].Contains("%00", StringComparison.Ordinal)));

    /// <summary>Every path and method of the OpenAPI document with its parameters, plus the pages outside it.</summary>
    private async Task<List<Endpoint>> DocumentedEndpointsAsync()
    {
        using var client = new HttpClient { BaseAddress = _server!.BaseAddress };
        using var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
        var endpoints = new List<Endpoint>();
        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var parameters = operation.Value.TryGetProperty("parameters", out var list)
                    ? list.EnumerateArray().Select(p => (p.GetProperty("name").GetString()!, p.GetProperty("in").GetString()!)).ToList()
                    : [];
                endpoints.Add(new Endpoint(new HttpMethod(operation.Name.ToUpperInvariant()), path.Name, parameters));
            }
        }

        Assert.Contains(endpoints, e => e.Path == "/v1/ingest");
        Assert.Contains(endpoints, e => e.Path == "/v1/series");
        endpoints.Add(new Endpoint(HttpMethod.Get, "/", []));
        endpoints.Add(new Endpoint(HttpMethod.Get, "/swagger/index.html", []));
        endpoints.Add(new Endpoint(HttpMethod.Get, "/v1/nothing-here", []));
        return endpoints;
    }

    private Planned Plan(Random random)
    {
        var endpoint = _endpoints[random.Next(_endpoints.Count)];
        if (random.Next(3) == 0)
        {
            endpoint = _endpoints.First(e => e.Path == "/v1/ingest");
        }

        var method = random.Next(10) == 0 ? Methods[random.Next(Methods.Length)] : endpoint.Method;
        var auth = random.Next(8) switch
        {
            0 => null,
            1 => "Bearer guess-" + random.Next(),
            2 => "Basic dXNlcjpwYXNz",
            3 => "Bearer " + ServerFactory.Token2,
            _ => "Bearer " + ServerFactory.Token1,
        };
        var path = FillPath(endpoint, random);
        if (endpoint.Path == "/v1/ingest" && method == HttpMethod.Post)
        {
            var (body, contentType, encoding, kind, oversized) = IngestBody(random, auth?.Contains(ServerFactory.Token2, StringComparison.Ordinal) == true
                ? ServerFactory.Device2 : ServerFactory.Device1);
            return new Planned(method, path, auth, body, contentType, encoding, kind, IsIngest: true, oversized);
        }

        byte[]? junk = method == HttpMethod.Post || method == HttpMethod.Put || method == HttpMethod.Patch
            ? Encoding.UTF8.GetBytes(random.Next(2) == 0 ? "{\"samples\":[]}" : JunkFields[random.Next(JunkFields.Length)])
            : null;
        return new Planned(method, path, auth, junk, "application/json", null, "other", IsIngest: false, Oversized: false);
    }

    private static string FillPath(Endpoint endpoint, Random random)
    {
        var path = endpoint.Path;
        var query = new List<string>();
        foreach (var (name, location) in endpoint.Parameters)
        {
            var value = random.Next(3) == 0 ? Hostile[random.Next(Hostile.Length)] : Plausible(name, random);
            if (location == "path")
            {
                path = path.Replace("{" + name + "}", value.Length == 0 ? "x" : value, StringComparison.Ordinal);
            }
            else if (random.Next(8) != 0)
            {
                query.Add($"{name}={value}");
            }
        }

        if (random.Next(20) == 0)
        {
            query.Add($"{Hostile[random.Next(Hostile.Length)]}={Hostile[random.Next(Hostile.Length)]}");
        }

        return query.Count == 0 ? path : path + "?" + string.Join('&', query);
    }

    private static string Plausible(string name, Random random) => name switch
    {
        "device_id" => random.Next(6) == 0 ? ServerFactory.Device2 : ServerFactory.Device1,
        "month" => $"{random.Next(2024, 2028)}-{random.Next(1, 13):00}",
        "year" => random.Next(2020, 2030).ToString(CultureInfo.InvariantCulture),
        "frame" => new[] { "day", "month", "year", "all", "week" }[random.Next(5)],
        "bucket" => new[] { "hour", "day", "week", "month", "minute" }[random.Next(5)],
        "date" => $"{random.Next(2024, 2028)}-{random.Next(1, 13):00}-{random.Next(1, 29):00}",
        "from" or "to" => $"2026-{random.Next(1, 13):00}-{random.Next(1, 29):00}T00:00:00Z",
        "format" => new[] { "csv", "json", "xml" }[random.Next(3)],
        "resolution" => new[] { "raw", "quarter_hour", "hour" }[random.Next(3)],
        _ => Hostile[random.Next(Hostile.Length)],
    };

    private (byte[]? Body, string? ContentType, string? Encoding, string Kind, bool Oversized) IngestBody(Random random, string device)
    {
        switch (random.Next(12))
        {
            case 0:
                return (Encoding.UTF8.GetBytes(Batch(random, device, 1 + random.Next(3))), "text/plain", null, "wrong content type", false);
            case 1:
                return (Encoding.UTF8.GetBytes(Batch(random, device, 2)), "application/json", random.Next(2) == 0 ? "br" : "gzip", "wrong encoding", false);
            case 2:
                var big = new byte[MaxBodyBytes + 1 + random.Next(100_000)];
                Array.Fill(big, (byte)' ');
                return (big, "application/json", null, "oversized", true);
            case 3:
                return (GzipBomb.Value, "application/json", "gzip", "gzip bomb", false);
            case 4:
                var bytes = new byte[random.Next(1, 2000)];
                random.NextBytes(bytes);
                return (bytes, "application/json", null, "random bytes", false);
            case 5:
                var text = Batch(random, device, 1 + random.Next(10));
                return (Encoding.UTF8.GetBytes(text[..random.Next(text.Length)]), "application/json", null, "truncated", false);
            case 6:
                var depth = random.Next(10, 3000);
                return (Encoding.UTF8.GetBytes("{\"samples\":" + new string('[', depth) + new string(']', depth) + "}"), "application/json", null, "deep", false);
            case 7:
                var valid = Encoding.UTF8.GetBytes(Batch(random, device, 1 + random.Next(5)));
                valid[random.Next(valid.Length)] = (byte)(0x80 + random.Next(0x80));
                return (valid, "application/json", null, "invalid UTF-8", false);
            case 8 or 9:
                return (Encoding.UTF8.GetBytes(Batch(random, device, 1 + random.Next(20), mutate: true)), "application/json", null, "mistyped", false);
            default:
                var json = Encoding.UTF8.GetBytes(Batch(random, device, 1 + random.Next(30)));
                return random.Next(2) == 0
                    ? (IngestRequests.Gzip(json), "application/json", "gzip", "valid gzip", false)
                    : (json, "application/json", null, "valid", false);
        }
    }

    private string Batch(Random random, string device, int count, bool mutate = false)
    {
        var samples = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            // Within the last two days, so that later batches meet earlier rows as duplicates.
            var ts = _now.AddSeconds(-random.Next(1, 2 * 86400));
            var power = random.Next(-3000, 9000);
            var fields = new Dictionary<string, string>
            {
                ["device_id"] = $"\"{device}\"",
                ["ts"] = $"\"{ts.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}\"",
                ["power_w"] = power.ToString(CultureInfo.InvariantCulture),
                ["import_power_w"] = Math.Max(power, 0).ToString(CultureInfo.InvariantCulture),
                ["energy_import_kwh"] = (1000 + random.NextDouble()).ToString("R", CultureInfo.InvariantCulture),
                ["energy_export_kwh"] = (100 + random.NextDouble()).ToString("R", CultureInfo.InvariantCulture),
            };
            if (mutate && random.Next(2) == 0)
            {
                var field = SampleFields[random.Next(SampleFields.Length)];
                fields[field] = JunkFields[random.Next(JunkFields.Length)];
            }

            var sample = "{" + string.Join(',', fields.Select(f => $"\"{f.Key}\":{f.Value}")) + "}";
            if (mutate && random.Next(6) == 0)
            {
                sample = sample.TrimEnd('}') + ",\"power_w\":1}";
            }

            samples.Add(sample);
        }

        return "{\"samples\":[" + string.Join(',', samples) + "]}";
    }

    private static readonly Lazy<byte[]> GzipBomb = new(() =>
    {
        var spaces = new byte[16 * MaxBodyBytes];
        Array.Fill(spaces, (byte)' ');
        Encoding.UTF8.GetBytes("{\"samples\":[").CopyTo(spaces, 0);
        return IngestRequests.Gzip(spaces);
    });

    private sealed record Endpoint(HttpMethod Method, string Path, List<(string Name, string In)> Parameters);

    private sealed record Planned(HttpMethod Method, string Path, string? Authorization, byte[]? Body, string? ContentType, string? ContentEncoding,
        string Kind, bool IsIngest, bool Oversized)
    {
        public HttpRequestMessage Build()
        {
            var request = new HttpRequestMessage(Method, Path);
            if (Authorization is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", Authorization);
            }

            if (Body is not null)
            {
                request.Content = new ByteArrayContent(Body);
                if (ContentType is not null)
                {
                    request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(ContentType);
                }

                if (ContentEncoding is not null)
                {
                    request.Content.Headers.ContentEncoding.Add(ContentEncoding);
                }
            }

            return request;
        }

        public override string ToString() => $"{Method} {(Path.Length > 120 ? Path[..120] + "..." : Path)} [{Kind}]";
    }
}
