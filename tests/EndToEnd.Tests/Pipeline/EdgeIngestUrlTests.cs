using System.Text.Json;

namespace P1Telemetry.EndToEnd.Tests.Pipeline;

/// <summary>
/// <c>VPS_INGEST_URL</c> against the real server behind Caddy: a URL whose path is not the ingest endpoint
/// is a 404 that the edge names in its log while it keeps every reading; the server's base URL, as the
/// original design configured it, delivers them.
/// </summary>
[Collection(PipelineTestGroup.Name)]
public sealed class EdgeIngestUrlTests(PipelineInfrastructure infrastructure)
{
    [Fact]
    public async Task A_wrong_path_is_named_in_the_log_and_the_base_url_delivers_what_was_kept()
    {
        await using var run = await PipelineRun.StartAsync(infrastructure, new PipelineSettings { Speed = 10 });

        var started = DateTimeOffset.UtcNow;
        await run.StartEdgeAsync(new Dictionary<string, string> { ["VPS_INGEST_URL"] = new Uri(run.Caddy.BaseUri, "/api/v1/ingest").ToString() });
        var from = await run.WaitUntilEdgeReadsAsync(started, TimeSpan.FromSeconds(30));
        // The health file is rewritten every 5 s: wait for one that shows the readings kept.
        await run.WaitUntilAsync(
            () => Task.FromResult(run.Edge.Output.Contains("HTTP 404", StringComparison.Ordinal) && SpoolDepth(run) > 0),
            TimeSpan.FromSeconds(30),
            "the edge logged the 404 and its health shows the readings kept");

        Assert.Contains("check VPS_INGEST_URL: HTTP 404", run.Edge.Output, StringComparison.Ordinal);
        Assert.Null(await run.Store.LatestTsAsync());
        Assert.True(SpoolDepth(run) > 0, run.Diagnostics());
        var stoppedAt = run.Simulator.LatestReading.TsUtc;
        Assert.Equal(0, await run.Edge.StopAsync());

        started = DateTimeOffset.UtcNow;
        await run.StartEdgeAsync(new Dictionary<string, string> { ["VPS_INGEST_URL"] = run.Caddy.BaseUri.GetLeftPart(UriPartial.Authority) });
        var restarted = await run.WaitUntilEdgeReadsAsync(started, TimeSpan.FromSeconds(30));
        // Readings beyond the tolerated gap show that the base URL delivers.
        var slack = TimeSpan.FromSeconds(15);
        await run.WaitForMeterTimeAsync(2 * slack, TimeSpan.FromSeconds(30));
        var until = run.Simulator.LatestReading.TsUtc;
        await run.WaitUntilStoredAsync(until, TimeSpan.FromSeconds(60));

        // Nobody reads the meter while the edge restarts: that gap is tolerated, nothing else is.
        await run.Store.AssertCompleteAsync(run.Simulator, from, until, [(stoppedAt - slack, restarted + slack)], run.Diagnostics);
        Assert.Contains("/v1/ingest", run.Edge.Output, StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, run.ReadHealth()!.Value.GetProperty("clock_skew_s").ValueKind);
    }

    private static long SpoolDepth(PipelineRun run) =>
        run.ReadHealth() is { } health ? health.GetProperty("spool_depth").GetInt64() : 0;
}
