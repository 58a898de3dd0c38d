using System.Net;
using System.Net.Http.Headers;
using P1Telemetry.Server.Diagnostics;
using P1Telemetry.Server.Tests.Support;

namespace P1Telemetry.Server.Tests.Metrics;

/// <summary>
/// Every server in this process exports the instruments of every meter named P1Telemetry.Server, so these
/// tests run alone: no other test's ingest may move the counters they compare.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsTestsAlone
{
    public const string Name = "Metrics";
}

/// <summary><c>GET /metrics</c> of the real server on a real loopback socket.</summary>
[Collection(MetricsTestsAlone.Name)]
public sealed class MetricsTests
{
    private const string MetricsToken = "metrics-token-0123456789abcdef";

    [Fact]
    public async Task Ingest_moves_the_counters_and_histograms_and_the_text_parses_strictly()
    {
        using var server = Start(new() { ["METRICS_TOKEN"] = MetricsToken });
        using var device = server.CreateClient(ServerFactory.Token1);
        var before = await ScrapeAsync(server, MetricsToken);

        var batch = Samples.Series(ServerFactory.Device1, Samples.Start, 30, TimeSpan.FromSeconds(1));
        Assert.Equal(30, (await device.IngestAsync(batch)).Inserted);
        Assert.Equal(10, (await device.IngestAsync(batch[..10])).Duplicates);
        using (var invalid = await device.PostAsync("/v1/ingest", IngestRequests.Body("{\"samples\":"u8.ToArray())))
        {
            Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        }

        var after = await ScrapeAsync(server, MetricsToken);
        Assert.Equal(2, Delta(before, after, "p1_ingest_requests_total", ("outcome", "stored"), ("status", "200")));
        Assert.Equal(1, Delta(before, after, "p1_ingest_requests_total", ("outcome", "rejected"), ("status", "400")));
        Assert.Equal(30, Delta(before, after, "p1_ingest_samples_total", ("result", "inserted")));
        Assert.Equal(10, Delta(before, after, "p1_ingest_samples_total", ("result", "duplicate")));
        Assert.Equal(2, Delta(before, after, "p1_ingest_batch_size_count"));
        Assert.Equal(40, Delta(before, after, "p1_ingest_batch_size_sum"));
        // The 30-sample batch falls in (10, 50], the 10-sample one in (5, 10].
        Assert.Equal(1, Delta(before, after, "p1_ingest_batch_size_bucket", ("le", "10")));
        Assert.Equal(2, Delta(before, after, "p1_ingest_batch_size_bucket", ("le", "50")));
        Assert.Equal(3, Delta(before, after, "p1_ingest_duration_seconds_count"));
        Assert.Equal("histogram", after["p1_ingest_duration_seconds"].Type);
        Assert.Equal("counter", after["p1_ingest_requests_total"].Type);
        Assert.NotNull(after["p1_ingest_requests_total"].Help);
        // ASP.NET Core's own request instruments come along.
        Assert.Contains(after.Keys, name => name.StartsWith("http_server_request_duration", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cache_lookups_open_event_streams_and_last_sample_age_are_exported()
    {
        using var server = Start(new() { ["METRICS_TOKEN"] = MetricsToken });
        using var device = server.CreateClient(ServerFactory.Token1);
        var last = ServerFactory.Now.AddMinutes(-5);
        await device.IngestAsync(Samples.Series(ServerFactory.Device1, last.AddSeconds(-59), 60, TimeSpan.FromSeconds(1)));
        using (var other = server.CreateClient(ServerFactory.Token2))
        {
            await other.IngestAsync([Samples.At(ServerFactory.Device2, ServerFactory.Now.AddHours(-1))]);
        }

        var before = await ScrapeAsync(server, MetricsToken);

        // realtime reads through the cache: the first read misses, the second hits.
        (await device.GetAsync($"/v1/realtime?device_id={ServerFactory.Device1}")).EnsureSuccessStatusCode();
        (await device.GetAsync($"/v1/realtime?device_id={ServerFactory.Device1}")).EnsureSuccessStatusCode();
        using var stream = await device.GetAsync($"/v1/live?device_id={ServerFactory.Device1}", HttpCompletionOption.ResponseHeadersRead);
        stream.EnsureSuccessStatusCode();
        using (var reader = new StreamReader(await stream.Content.ReadAsStreamAsync()))
        {
            Assert.Equal("event: realtime", await reader.ReadLineAsync());
            var open = await ScrapeAsync(server, MetricsToken);
            Assert.Equal(1, open.Value("p1_live_streams"));
            Assert.True(Delta(before, open, "p1_cache_lookups_total", ("cache", "memory"), ("result", "miss")) >= 1);
            Assert.True(Delta(before, open, "p1_cache_lookups_total", ("cache", "memory"), ("result", "hit")) >= 1);

            Assert.Equal(300, open.Value("p1_device_last_sample_age_seconds", ("device_id", ServerFactory.Device1)), 3);
            Assert.Equal(3600, open.Value("p1_device_last_sample_age_seconds", ("device_id", ServerFactory.Device2)), 3);
        }

        stream.Dispose();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var streams = 1.0;
        while (streams != 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            streams = (await ScrapeAsync(server, MetricsToken)).Value("p1_live_streams");
        }

        Assert.Equal(0, streams);

        // The age grows with the clock between reads of the database and follows a new sample once the read is stale.
        server.Clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(305, (await ScrapeAsync(server, MetricsToken)).Value("p1_device_last_sample_age_seconds", ("device_id", ServerFactory.Device1)), 3);
        await device.IngestAsync([Samples.At(ServerFactory.Device1, server.Clock.GetUtcNow().AddSeconds(-2))]);
        server.Clock.Advance(LastSampleAgesLifetime);
        Assert.Equal(2 + LastSampleAgesLifetime.TotalSeconds,
            (await ScrapeAsync(server, MetricsToken)).Value("p1_device_last_sample_age_seconds", ("device_id", ServerFactory.Device1)), 3);
    }

    [Fact]
    public async Task A_token_is_required_when_configured_even_on_loopback()
    {
        using var server = Start(new() { ["METRICS_TOKEN"] = MetricsToken });
        using var client = server.CreateClient();
        foreach (var authorization in new AuthenticationHeaderValue?[]
        {
            null,
            new("Bearer", MetricsToken + "x"),
            new("Bearer", MetricsToken[..^1]),
            new("Basic", MetricsToken),
            new("Bearer", ServerFactory.Token1),
        })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { Authorization = authorization } };
            using var response = await client.SendAsync(request);
            var problem = await response.ReadProblemAsync(401);
            Assert.Contains("METRICS_TOKEN", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        }

        Assert.NotEmpty(await ScrapeAsync(server, MetricsToken));
    }

    [Fact]
    public async Task Without_a_token_only_loopback_clients_that_no_proxy_relayed_are_answered()
    {
        using var server = Start([]);
        Assert.NotEmpty(await ScrapeAsync(server, token: null));

        using var client = server.CreateClient();
        foreach (var (header, value) in new[] { ("X-Forwarded-For", "203.0.113.7"), ("X-Forwarded-For", "127.0.0.1, 198.51.100.2"), ("Forwarded", "for=203.0.113.7") })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
            request.Headers.Add(header, value);
            using var response = await client.SendAsync(request);
            var problem = await response.ReadProblemAsync(403);
            Assert.Contains("loopback", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_the_forwarded_client_address_decides()
    {
        using var server = Start(new() { ["TRUST_FORWARDED_HEADERS"] = "true" });
        using var client = server.CreateClient();
        using (var outside = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { { "X-Forwarded-For", "203.0.113.7" } } })
        {
            using var response = await client.SendAsync(outside);
            await response.ReadProblemAsync(403);
        }

        using var local = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { { "X-Forwarded-For", "127.0.0.1" } } };
        using var answered = await client.SendAsync(local);
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
    }

    [Theory]
    [InlineData("short")]
    [InlineData("sha256:abc")]
    [InlineData("sha256:zz00000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("with a space in the middle")]
    public void A_weak_or_malformed_token_is_refused_naming_the_variable(string token)
    {
        var result = new MetricsOptionsValidator().Validate(null, new MetricsOptions { MetricsToken = token });
        Assert.True(result.Failed);
        Assert.Contains("METRICS_TOKEN", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hashed_token_admits_the_token_it_is_the_hash_of()
    {
        var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(MetricsToken)));
        using var server = Start(new() { ["METRICS_TOKEN"] = $"sha256:{hash}" });
        Assert.NotEmpty(await ScrapeAsync(server, MetricsToken));
        using var client = server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { Authorization = new("Bearer", $"sha256:{hash}") } };
        using var response = await client.SendAsync(request);
        await response.ReadProblemAsync(401);
    }

    private static TimeSpan LastSampleAgesLifetime => LastSampleAges.SnapshotLifetime;

    private static ServerFactory Start(Dictionary<string, string?> settings)
    {
        var server = new ServerFactory(settings);
        // A real socket: the loopback rule needs the connection's address, which the in-memory server lacks.
        server.UseKestrel(0);
        server.StartServer();
        return server;
    }

    private static async Task<IReadOnlyDictionary<string, PrometheusFamily>> ScrapeAsync(ServerFactory server, string? token)
    {
        using var client = server.CreateClient(token);
        using var response = await client.GetAsync("/metrics");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"/metrics answered {(int)response.StatusCode}: {body}");
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        return PrometheusText.Parse(body);
    }

    private static double Delta(
        IReadOnlyDictionary<string, PrometheusFamily> before, IReadOnlyDictionary<string, PrometheusFamily> after, string name,
        params (string Key, string Value)[] labels) => after.Value(name, labels) - before.Value(name, labels);
}
