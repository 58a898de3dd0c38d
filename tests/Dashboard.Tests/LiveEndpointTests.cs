using System.Net;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.Dashboard.Tests;

/// <summary><c>GET /v1/live</c> on its own: who may open it, and the stream through Caddy.</summary>
[Collection(DashboardGroup.Name)]
public sealed class LiveEndpointTests(DashboardServer dashboard)
{
    [Fact]
    public async Task The_stream_is_refused_without_credentials_and_for_another_device()
    {
        using var anonymous = new HttpClient(dashboard.Certificates.CreateTrustingHandler()) { BaseAddress = dashboard.Server.BaseAddress };
        using var none = await anonymous.GetAsync($"/v1/live?device_id={DashboardServer.HomeA}", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("application/problem+json", none.Content.Headers.ContentType?.MediaType);

        using var other = dashboard.Client(DashboardServer.TokenB);
        using var forbidden = await other.GetAsync($"/v1/live?device_id={DashboardServer.HomeA}", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);

        using var missing = await other.GetAsync("/v1/live", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
    }

    [Fact]
    public async Task An_ingest_through_caddy_reaches_a_stream_opened_through_caddy_at_once()
    {
        await using var caddy = await CaddyInstance.StartAsync(new CaddyOptions
        {
            Upstream = dashboard.Server.BaseAddress,
            UpstreamCaPath = dashboard.Certificates.CaCertificatePath,
            CertificatePath = dashboard.Certificates.ServerCertificatePath,
            KeyPath = dashboard.Certificates.ServerKeyPath,
        });
        var client = new HttpClient(dashboard.Certificates.CreateTrustingHandler()) { BaseAddress = caddy.BaseUri };
        client.DefaultRequestHeaders.Authorization = new("Bearer", DashboardServer.TokenA);
        await using var stream = await LiveEvents.OpenAsync(client, DashboardServer.HomeA);
        Assert.Equal("text/event-stream", stream.Response.Content.Headers.ContentType?.MediaType);
        await stream.NextAsync("realtime", TimeSpan.FromSeconds(15));

        var sample = await dashboard.IngestNowAsync(2345);
        // Caddy must pass each event on as it comes, not when its buffer fills.
        var pushed = await stream.NextAsync("realtime", TimeSpan.FromSeconds(10), e => e.GetProperty("ts").GetDateTimeOffset() == sample.Ts);
        Assert.Equal(2345, pushed.GetProperty("power_w").GetInt32());
        Assert.True(pushed.GetProperty("live_quarter").GetProperty("target_w").GetDouble() >= 2500);

        // With nothing to push, the heartbeat comment keeps the idle stream alive through the proxy.
        Assert.Equal(": heartbeat", await stream.NextCommentAsync(TimeSpan.FromSeconds(25)));
    }
}
