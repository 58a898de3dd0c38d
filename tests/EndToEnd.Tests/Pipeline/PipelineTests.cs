using System.Text.Json;
using P1Telemetry.MeterSimulator;

namespace P1Telemetry.EndToEnd.Tests.Pipeline;

/// <summary>
/// Simulator → edge → Caddy → server → PostgreSQL + Redis, with real processes and real TLS, sped up so that
/// minutes of meter time pass in seconds. Each test compares what PostgreSQL holds with every telegram the
/// simulated meter produced.
/// </summary>
[Collection(PipelineTestGroup.Name)]
public sealed class PipelineTests(PipelineInfrastructure infrastructure)
{
    [Fact]
    public async Task Every_telegram_reaches_postgres_exactly_once_and_the_rollup_matches()
    {
        await using var run = await PipelineRun.StartAsync(infrastructure, new PipelineSettings { Speed = 10 });
        var started = DateTimeOffset.UtcNow;
        await run.StartEdgeAsync();
        var from = await run.WaitUntilEdgeReadsAsync(started, TimeSpan.FromSeconds(30));

        // About three minutes of meter time.
        await run.WaitForMeterTimeAsync(TimeSpan.FromMinutes(3), TimeSpan.FromSeconds(60));
        var until = run.Simulator.LatestReading.TsUtc;
        await run.WaitUntilStoredAsync(until, TimeSpan.FromSeconds(60));

        await run.Store.AssertCompleteAsync(run.Simulator, from, until, [], run.Diagnostics);
        Assert.True((await run.Store.SamplesAsync()).Count >= 150, "a few minutes of meter time at one telegram per second");

        // The read side answers through Caddy too (device token over TLS, Redis cache refreshed by ingest).
        using var client = new HttpClient(infrastructure.Certificates.CreateTrustingHandler());
        var realtimeUri = new Uri(run.Caddy.BaseUri, $"/v1/realtime?device_id={run.DeviceId}");
        using (var anonymous = await client.GetAsync(realtimeUri))
        {
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        await run.Edge.StopAsync();
        var latest = await run.Store.LatestTsAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, realtimeUri);
        request.Headers.Authorization = new("Bearer", run.DeviceToken);
        using var response = await client.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        using var realtime = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(latest, realtime.RootElement.GetProperty("ts").GetDateTimeOffset());
    }

    [Fact]
    public async Task Server_outage_and_postgres_restart_lose_nothing()
    {
        await using var run = await PipelineRun.StartAsync(infrastructure, new PipelineSettings { Speed = 10 });
        var started = DateTimeOffset.UtcNow;
        await run.StartEdgeAsync();
        var from = await run.WaitUntilEdgeReadsAsync(started, TimeSpan.FromSeconds(30));
        await run.WaitUntilStoredAsync(from, TimeSpan.FromSeconds(30));

        // The server is down: the edge keeps reading and spools.
        await run.StopServerAsync();
        await run.WaitUntilAsync(() => Task.FromResult(SpoolDepth(run) > 20), TimeSpan.FromSeconds(60), "the spool grows while the server is down");
        await run.StartServerAsync();
        await run.WaitUntilStoredAsync(run.Simulator.LatestReading.TsUtc, TimeSpan.FromSeconds(60));

        // PostgreSQL restarts under the running server: ingest fails for a moment and the edge retries.
        await infrastructure.Postgres.RestartAsync();
        Npgsql.NpgsqlConnection.ClearAllPools();
        await run.WaitForMeterTimeAsync(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30));

        var until = run.Simulator.LatestReading.TsUtc;
        await run.WaitUntilStoredAsync(until, TimeSpan.FromSeconds(90));
        await run.Store.AssertCompleteAsync(run.Simulator, from, until, [], run.Diagnostics);
    }

    [Fact]
    public async Task Meter_errors_and_dropped_connections_lose_nothing_the_edge_read()
    {
        // Polling, so that every telegram is a request that the faults can hit (a WebSocket, once open,
        // is not affected by them); ten polls per telegram. At real-time speed a telegram stays readable for a
        // whole second, so a scheduling stall of a busy test machine does not hide one from the edge.
        await using var run = await PipelineRun.StartAsync(infrastructure, new PipelineSettings { Speed = 1, Transport = "poll", PollIntervalSeconds = 0.1 });
        var started = DateTimeOffset.UtcNow;
        await run.StartEdgeAsync();
        var from = await run.WaitUntilEdgeReadsAsync(started, TimeSpan.FromSeconds(30));
        await run.WaitUntilStoredAsync(from, TimeSpan.FromSeconds(30));

        var faultFrom = run.Simulator.LatestReading.TsUtc;
        run.Simulator.SetFaults(new SimulatorFaults { ErrorRate = 0.5, DropRate = 0.3 });
        await run.WaitForMeterTimeAsync(TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(30));
        run.Simulator.SetFaults(new SimulatorFaults());
        var faultTo = run.Simulator.LatestReading.TsUtc;
        await run.WaitForMeterTimeAsync(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30));

        var until = run.Simulator.LatestReading.TsUtc;
        await run.WaitUntilStoredAsync(until, TimeSpan.FromSeconds(60));
        // Telegrams that no poll got during the faults were never read; two meter seconds of slack on each side.
        var slack = TimeSpan.FromSeconds(2);
        await run.Store.AssertCompleteAsync(run.Simulator, from, until, [(faultFrom - slack, faultTo + slack)], run.Diagnostics);

        var samples = await run.Store.SamplesAsync();
        Assert.Contains(samples, s => s.Ts > faultFrom + slack && s.Ts < faultTo - slack);
        Assert.Equal(0, Property(run, "quarantine_count"));
    }

    [Fact]
    public async Task Edge_killed_with_sigkill_keeps_its_spool_and_duplicates_nothing()
    {
        await using var run = await PipelineRun.StartAsync(infrastructure, new PipelineSettings { Speed = 10, BatchSize = 5 });
        var started = DateTimeOffset.UtcNow;
        await run.StartEdgeAsync();
        var from = await run.WaitUntilEdgeReadsAsync(started, TimeSpan.FromSeconds(30));
        await run.WaitUntilStoredAsync(from, TimeSpan.FromSeconds(30));

        // A backlog builds up while the server is away; then the edge dies without any chance to flush.
        await run.StopServerAsync();
        await run.WaitForMeterTimeAsync(TimeSpan.FromSeconds(80), TimeSpan.FromSeconds(60));
        var killedAt = run.Simulator.LatestReading.TsUtc;
        await run.Edge.KillAsync();
        await run.StartServerAsync();

        // Restarted, it drains the backlog in batches of 5, and is killed again as soon as the first batch
        // lands: the batch in flight may reach the server without being acknowledged, and is sent again.
        var before = await run.Store.CountAsync();
        await run.StartEdgeAsync();
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (await run.Store.CountAsync() == before && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        await run.Edge.KillAsync();
        Assert.True(await run.Store.CountAsync() > before, $"the restarted edge uploaded nothing.\n{run.Diagnostics()}");
        var restarted = DateTimeOffset.UtcNow;
        await run.StartEdgeAsync();
        var readingAgain = await run.WaitUntilEdgeReadsAsync(restarted, TimeSpan.FromSeconds(30));
        await run.WaitForMeterTimeAsync(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30));

        var until = run.Simulator.LatestReading.TsUtc;
        await run.WaitUntilStoredAsync(until, TimeSpan.FromSeconds(60));
        // While the edge is dead nobody reads the meter, and telegrams just before a kill may not have been
        // read yet: those are the only gaps allowed. Everything the edge had spooled must arrive, once.
        var slack = TimeSpan.FromSeconds(15);
        await run.Store.AssertCompleteAsync(run.Simulator, from, until, [(killedAt - slack, readingAgain + slack)], run.Diagnostics);
        var samples = await run.Store.SamplesAsync();
        Assert.True(samples.Count(s => s.Ts > killedAt - TimeSpan.FromSeconds(80) && s.Ts < killedAt - slack) > 50,
            "the backlog spooled while the server was down was delivered");
    }

    private static long SpoolDepth(PipelineRun run) => Property(run, "spool_depth");

    private static long Property(PipelineRun run, string name) =>
        run.ReadHealth() is { } health && health.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            ? value.GetInt64()
            : 0;
}
