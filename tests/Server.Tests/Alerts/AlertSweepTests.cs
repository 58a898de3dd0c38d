using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using P1Telemetry.Server.Alerts;
using P1Telemetry.Server.MeterPeaks;
using P1Telemetry.Server.Tests.Support;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.Server.Tests.Alerts;

/// <summary>The periodic sweep: a silent device and a meter without its quarter-hour fields (SQLite outbox).</summary>
public sealed class AlertSweepTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = ServerFactory.Now;

    private AlertReceiver _receiver = null!;
    private ServerFactory _server = null!;

    public async Task InitializeAsync()
    {
        _receiver = await AlertReceiver.StartAsync();
        _server = new ServerFactory(new Dictionary<string, string?>
        {
            ["WEBHOOK_URL"] = _receiver.Url + "/hook",
            ["WEBHOOK_SECRET"] = "sweep-secret",
        });
    }

    public async Task DisposeAsync()
    {
        _server.Dispose();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task A_silence_longer_than_the_setting_is_reported_once_and_a_new_silence_again()
    {
        using var client = _server.CreateClient(ServerFactory.Token1);
        var home = new Household(ServerFactory.Device1);
        var sweep = _server.Services.GetRequiredService<AlertSweepService>();
        _server.Clock.AdjustTime(Start + TimeSpan.FromMinutes(1));
        await client.IngestAsync(home.Draw(Start, TimeSpan.FromMinutes(1), 500));

        _server.Clock.AdjustTime(Start + TimeSpan.FromMinutes(9));
        await sweep.SweepAllAsync(default);
        _server.Clock.AdjustTime(Start + TimeSpan.FromMinutes(12));
        await sweep.SweepAllAsync(default);
        await Eventually.TrueAsync(() => NoData().Count == 1, "no_data after ten silent minutes", seconds: 30);
        var alert = JsonDocument.Parse(NoData()[0].Body).RootElement;
        Assert.Equal(Start + TimeSpan.FromSeconds(50), alert.GetProperty("last_reading_at").GetDateTimeOffset());

        // Still silent an hour later: the same silence, no second message.
        await AlertApi.EvaluatedAsync(_server);
        await AlertApi.SettledAsync(_server, client, ServerFactory.Device1);
        _server.Clock.AdjustTime(Start + TimeSpan.FromMinutes(70));
        await sweep.SweepAllAsync(default);
        await _server.Services.GetRequiredService<AlertDeliveryService>().DeliverDueAsync(default);
        Assert.Single(NoData());

        // Readings again, then a new silence: a new message.
        await AlertApi.EvaluatedAsync(_server);
        await AlertApi.SettledAsync(_server, client, ServerFactory.Device1);
        await client.IngestAsync(home.Draw(Start + TimeSpan.FromMinutes(69), TimeSpan.FromMinutes(1), 500));
        _server.Clock.AdjustTime(Start + TimeSpan.FromMinutes(90));
        await sweep.SweepAllAsync(default);
        await Eventually.TrueAsync(() => NoData().Count == 2, "no_data for the second silence", seconds: 30);
    }

    [Fact]
    public async Task A_meter_that_stopped_reporting_its_quarter_hour_fields_is_reported_once_a_day()
    {
        using var client = _server.CreateClient(ServerFactory.Token1);
        var home = new Household(ServerFactory.Device1);
        var sweep = _server.Services.GetRequiredService<AlertSweepService>();
        _server.Clock.AdjustTime(Start + TimeSpan.FromMinutes(1));
        await client.IngestAsync(home.Draw(Start, TimeSpan.FromMinutes(1), 500));
        await _server.Services.GetRequiredService<IMeterPeakStore>().UpsertAsync(ServerFactory.Device1, [],
            new StoredMeterState("p1", ClockStalled: false, BelgianFieldsMissing: true, Start + TimeSpan.FromMinutes(1)), Start + TimeSpan.FromMinutes(1), default);

        await sweep.SweepAllAsync(default);
        await Eventually.TrueAsync(() => Kind("belgian_fields_missing").Count == 1, "belgian_fields_missing", seconds: 30);
        await AlertApi.EvaluatedAsync(_server);
        await AlertApi.SettledAsync(_server, client, ServerFactory.Device1);
        _server.Clock.AdjustTime(Start + TimeSpan.FromMinutes(5));
        await client.IngestAsync(home.Draw(Start + TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(4), 500));
        _server.Clock.AdjustTime(Start + TimeSpan.FromMinutes(31));
        await sweep.SweepAllAsync(default);
        await _server.Services.GetRequiredService<AlertDeliveryService>().DeliverDueAsync(default);
        Assert.Single(Kind("belgian_fields_missing"));
    }

    private List<ReceivedRequest> NoData() => Kind("no_data");

    private List<ReceivedRequest> Kind(string kind) =>
        [.. _receiver.At("/hook").Where(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("event").GetString() == kind)];
}
