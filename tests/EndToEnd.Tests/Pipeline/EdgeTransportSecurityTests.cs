using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.EndToEnd.Tests.Pipeline;

/// <summary>
/// HTTPS only between edge and server, with certificate verification always on: the edge refuses an
/// http:// ingest URL before sending anything, and refuses a server whose certificate its trust does not cover.
/// </summary>
[Collection(PipelineTestGroup.Name)]
public sealed class EdgeTransportSecurityTests(PipelineInfrastructure infrastructure)
{
    [Fact]
    public async Task Edge_refuses_a_plain_http_ingest_url_and_sends_nothing()
    {
        var scratch = TestRunDirectory.CreateSubdirectory("edge-http");
        // Something listens where the token would go: it must never see a connection.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var environment = new Dictionary<string, string>
        {
            ["HW_P1_HOST"] = "127.0.0.1:9",
            ["HW_API_VERSION"] = "1",
            ["DEVICE_ID"] = "meter-1",
            ["VPS_INGEST_URL"] = $"http://127.0.0.1:{port}/v1/ingest",
            ["VPS_TOKEN"] = "a-secret-token",
            ["SPOOL_PATH"] = Path.Combine(scratch, "spool.db"),
        };
        await using var edge = ProductProcess.Create(BuiltPrograms.Edge(), [], environment, scratch, "edge");

        var exitCode = await edge.RunToCompletionAsync(TimeSpan.FromSeconds(30));

        Assert.NotEqual(0, exitCode);
        Assert.Contains("VPS_INGEST_URL", edge.Output, StringComparison.Ordinal);
        Assert.Contains("https", edge.Output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("a-secret-token", edge.Output, StringComparison.Ordinal);
        Assert.False(listener.Pending(), "the edge connected to the plain-HTTP URL");
    }

    [Fact]
    public async Task Edge_refuses_a_server_certificate_it_does_not_trust_and_keeps_the_readings()
    {
        using var otherCa = TestCertificates.Create();
        await using var run = await PipelineRun.StartAsync(infrastructure, new PipelineSettings { Speed = 10 });

        // First a private CA that did not sign the server's certificate, then the system roots only, then the
        // right CA. Nobody reads the meter while the edge restarts: those telegrams are tolerated gaps.
        var slack = TimeSpan.FromSeconds(15);
        var tolerated = new List<(DateTimeOffset From, DateTimeOffset To)>();
        DateTimeOffset? stoppedAt = null;
        DateTimeOffset? from = null;
        foreach (var caFile in new[] { otherCa.CaCertificatePath, "", null })
        {
            var started = DateTimeOffset.UtcNow;
            await run.StartEdgeAsync(caFile is null ? null : new Dictionary<string, string> { ["VPS_CA_FILE"] = caFile });
            var reading = await run.WaitUntilEdgeReadsAsync(started, TimeSpan.FromSeconds(30));
            from ??= reading;
            if (stoppedAt is { } stopped)
            {
                tolerated.Add((stopped - slack, reading + slack));
            }

            if (caFile is null)
            {
                break;
            }

            await run.WaitUntilAsync(
                () => Task.FromResult(run.ReadHealth() is { } kept && kept.GetProperty("spool_depth").GetInt64() > 0 && kept.GetProperty("upload_error").ValueKind == JsonValueKind.String),
                TimeSpan.FromSeconds(30),
                "the edge's health reports an upload error and the readings it kept");
            Assert.Null(await run.Store.LatestTsAsync());
            var health = run.ReadHealth();
            Assert.True(health is { } h && h.GetProperty("spool_depth").GetInt64() > 0, run.Diagnostics());
            Assert.Equal(JsonValueKind.String, health!.Value.GetProperty("upload_error").ValueKind);
            stoppedAt = run.Simulator.LatestReading.TsUtc;
            Assert.Equal(0, await run.Edge.StopAsync());
        }

        // With the right CA, everything spooled meanwhile is delivered, and so is what the edge reads for a
        // while beyond the tolerated gap.
        await run.WaitForMeterTimeAsync(2 * slack, TimeSpan.FromSeconds(30));
        var until = run.Simulator.LatestReading.TsUtc;
        await run.WaitUntilStoredAsync(until, TimeSpan.FromSeconds(60));
        await run.Store.AssertCompleteAsync(run.Simulator, from!.Value, until, tolerated, run.Diagnostics);
    }
}
