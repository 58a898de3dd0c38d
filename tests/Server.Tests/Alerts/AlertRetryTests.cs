using System.Text.Json;
using P1Telemetry.Server.Tests.Support;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.Server.Tests.Alerts;

/// <summary>Receivers that are down: retried within the quarter, an at-risk warning never sent after it.</summary>
public sealed class AlertRetryTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Quarter = ServerFactory.Now;

    private AlertReceiver _receiver = null!;
    private ServerFactory _server = null!;

    public async Task InitializeAsync()
    {
        _receiver = await AlertReceiver.StartAsync();
        _server = new ServerFactory(new Dictionary<string, string?>
        {
            ["NTFY_URL"] = _receiver.Url + "/ntfy/p1-home",
            ["WEBHOOK_URL"] = _receiver.Url + "/hook",
            ["WEBHOOK_SECRET"] = "retry-secret",
        });
    }

    public async Task DisposeAsync()
    {
        _server.Dispose();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task A_channel_that_comes_back_within_the_quarter_gets_the_warning_and_one_that_comes_back_after_it_does_not()
    {
        using var client = _server.CreateClient(ServerFactory.Token1);
        var home = new Household(ServerFactory.Device1);
        _receiver.Down = true;
        _server.Clock.AdjustTime(Quarter + TimeSpan.FromMinutes(3));
        await client.IngestAsync(home.Draw(Quarter, TimeSpan.FromMinutes(3), 4000));
        await Eventually.TrueAsync(async () => (await DeliveriesAsync(client, "peak_at_risk", Quarter)) is { Count: 2 } d && d.All(x => x.Attempts >= 1 && x.Error is not null),
            "failed attempts on both channels", seconds: 30);

        var failing = await DeliveriesAsync(client, "peak_at_risk", Quarter);
        Assert.Equal(["ntfy answered 503", "the webhook answered 503"], failing.Select(d => d.Error).Order(StringComparer.Ordinal));
        Assert.All(failing, d => Assert.Equal("pending", d.State));
        using (var health = await client.GetAsync("/health"))
        {
            var report = JsonDocument.Parse(await health.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("degraded", report.GetProperty("status").GetString());
            Assert.Equal("failing", report.GetProperty("alerts").GetProperty("status").GetString());
            Assert.All(report.GetProperty("alerts").GetProperty("channels").EnumerateArray(), c => Assert.True(c.GetProperty("failing").GetInt32() >= 1));
        }

        Assert.Empty(_receiver.Requests);

        // Back within the quarter: the next attempt (after its backoff) delivers.
        _receiver.Down = false;
        _server.Clock.AdjustTime(Quarter + TimeSpan.FromMinutes(4));
        await Eventually.TrueAsync(() => _receiver.Requests.Count == 2, "the warning after the receivers came back", seconds: 30);
        Assert.Single(_receiver.At("/hook"));
        Assert.Equal("Peak at risk", Assert.Single(_receiver.At("/ntfy/p1-home")).Headers["Title"]);
        await AlertApi.EvaluatedAsync(_server);
        await AlertApi.SettledAsync(_server, client, ServerFactory.Device1);
        Assert.All(await DeliveriesAsync(client, "peak_at_risk", Quarter), d => Assert.Equal("delivered", d.State));

        // The next quarter is at risk too (4 kW against the new 4 kW peak) while the receivers are down again ...
        var next = Quarter + TimeSpan.FromMinutes(15);
        _receiver.Down = true;
        _server.Clock.AdjustTime(next + TimeSpan.FromMinutes(3));
        await client.IngestAsync(home.Draw(Quarter + TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(15), 4000));
        await Eventually.TrueAsync(async () => (await DeliveriesAsync(client, "peak_at_risk", next)) is { Count: 2 } d && d.All(x => x.Error is not null),
            "failed attempts for the second quarter", seconds: 30);

        // ... and only come back after it ended: that warning is dropped, never sent late.
        await AlertApi.EvaluatedAsync(_server);
        await AlertApi.SettledAsync(_server, client, ServerFactory.Device1);
        _server.Clock.AdjustTime(next + TimeSpan.FromMinutes(16));
        _receiver.Down = false;
        await Eventually.TrueAsync(async () => (await DeliveriesAsync(client, "peak_at_risk", next)).All(d => d.State == "dropped"),
            "the late warning dropped", seconds: 30);
        // The new monthly peak of the first quarter does not expire: it arrives now that the receivers are back.
        await Eventually.TrueAsync(() => _receiver.At("/hook").Any(r => r.Text.Contains("\"new_monthly_peak\"", StringComparison.Ordinal)),
            "the new monthly peak after the outage", seconds: 30);
        Assert.Single(_receiver.At("/hook"), r => r.Text.Contains("\"peak_at_risk\"", StringComparison.Ordinal));
        Assert.Single(_receiver.At("/ntfy/p1-home"), r => r.Headers["Title"] == "Peak at risk");
        Assert.All(await DeliveriesAsync(client, "peak_at_risk", next), d => Assert.StartsWith("expired before it could be delivered; last attempt: ", d.Error, StringComparison.Ordinal));
    }

    private static async Task<List<(string Channel, string State, int Attempts, string? Error)>> DeliveriesAsync(
        HttpClient client, string kind, DateTimeOffset quarter)
    {
        using var response = await client.GetAsync($"/v1/devices/{ServerFactory.Device1}/alerts");
        Assert.True(response.IsSuccessStatusCode);
        var alerts = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("alerts");
        return alerts.EnumerateArray()
            .Where(a => a.GetProperty("kind").GetString() == kind && a.GetProperty("quarter_start").GetDateTimeOffset() == quarter)
            .SelectMany(a => a.GetProperty("deliveries").EnumerateArray())
            .Select(d => (d.GetProperty("channel").GetString()!, d.GetProperty("state").GetString()!, d.GetProperty("attempts").GetInt32(),
                d.TryGetProperty("last_error", out var e) ? e.GetString() : null))
            .ToList();
    }
}
