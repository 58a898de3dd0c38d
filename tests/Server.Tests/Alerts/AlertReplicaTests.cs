using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using P1Telemetry.Server.Storage.Migrations;
using P1Telemetry.Server.Tests.Support;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.Server.Tests.Alerts;

/// <summary>
/// Two replicas on one real PostgreSQL and one real Redis, both evaluating and both delivering: each alert
/// arrives exactly once on each channel (the outbox's unique key, deliveries claimed with SKIP LOCKED).
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class AlertReplicaTests(PostgresClusterFixture cluster) : IAsyncLifetime
{
    private static readonly DateTimeOffset Quarter = ServerFactory.Now;

    private AlertReceiver _receiver = null!;
    private MosquittoInstance _broker = null!;
    private MqttRecorder _mqtt = null!;
    private RedisInstance _redis = null!;
    private ServerFactory _a = null!;
    private ServerFactory _b = null!;

    public async Task InitializeAsync()
    {
        _receiver = await AlertReceiver.StartAsync();
        _broker = await MosquittoInstance.StartAsync();
        _mqtt = await MqttRecorder.StartAsync(_broker.Port);
        _redis = await RedisInstance.StartAsync();
        var settings = AlertChannelsTests.Channels(_receiver, _broker);
        settings["DATABASE_URL"] = await cluster.Instance.CreateDatabaseAsync("alerts");
        settings["REDIS_URL"] = _redis.Url;
        _a = new ServerFactory(settings);
        _b = new ServerFactory(settings);
        await _a.Services.GetRequiredService<ISchemaMigrator>().MigrateAsync(default);
    }

    public async Task DisposeAsync()
    {
        _a.Dispose();
        _b.Dispose();
        await _mqtt.DisposeAsync();
        await _broker.DisposeAsync();
        await _redis.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task Both_replicas_see_the_risk_and_the_close_yet_each_alert_arrives_once_per_channel()
    {
        using var a = _a.CreateClient(ServerFactory.Token1);
        using var b = _b.CreateClient(ServerFactory.Token1);
        // The simulator's household, in a quarter where its own appliances draw well over the 2.5 kW floor.
        var (seed, quarter) = SimulatedHousehold.FindPeakQuarter(Quarter, days: 14);
        var home = new SimulatedHousehold(ServerFactory.Device1, seed, quarter);

        // The edge's uploads land on either replica; both evaluate the same rising quarter.
        // Each batch is evaluated at its own time: the clock moves on only once both replicas looked at it.
        for (var minute = 3; minute <= 15; minute += 3)
        {
            await AlertApi.EvaluatedAsync(_a, _b);
            Set(quarter + TimeSpan.FromMinutes(minute));
            await (minute % 2 == 0 ? a : b).IngestAsync(home.ReadUntil(quarter + TimeSpan.FromMinutes(minute)));
        }

        await Eventually.TrueAsync(() => Count("peak_at_risk") == 3, $"peak_at_risk on each channel (household {seed}, quarter {quarter:u})", seconds: 30);

        // The quarter closes; the quiet start of the next quarter reaches each replica.
        await AlertApi.EvaluatedAsync(_a, _b);
        await AlertApi.SettledAsync(_a, a, ServerFactory.Device1);
        Set(quarter + TimeSpan.FromMinutes(16));
        await a.IngestAsync(home.ReadUntil(quarter + TimeSpan.FromMinutes(15.5)));
        await b.IngestAsync(home.ReadUntil(quarter + TimeSpan.FromMinutes(16)));
        await Eventually.TrueAsync(() => Count("new_monthly_peak") == 3, "new_monthly_peak on each channel", seconds: 30);

        // Both replicas' delivery workers run a pass more; nothing is sent twice.
        await _a.Services.GetRequiredService<P1Telemetry.Server.Alerts.AlertDeliveryService>().DeliverDueAsync(default);
        await _b.Services.GetRequiredService<P1Telemetry.Server.Alerts.AlertDeliveryService>().DeliverDueAsync(default);
        foreach (var kind in new[] { "peak_at_risk", "new_monthly_peak" })
        {
            Assert.Single(_receiver.At("/hook"), r => Kind(r.Text) == kind);
            Assert.Single(_mqtt.On("p1telemetry/meter-1/event"), m => Kind(m.Payload) == kind);
        }

        Assert.Single(_receiver.At("/ntfy/p1-home"), r => r.Headers["Title"] == "Peak at risk");
        Assert.Single(_receiver.At("/ntfy/p1-home"), r => r.Headers["Title"] == "New monthly peak");
    }

    private void Set(DateTimeOffset now)
    {
        _a.Clock.AdjustTime(now);
        _b.Clock.AdjustTime(now);
    }

    private int Count(string kind) =>
        _receiver.At("/hook").Count(r => Kind(r.Text) == kind)
        + _mqtt.On("p1telemetry/meter-1/event").Count(m => Kind(m.Payload) == kind)
        + _receiver.At("/ntfy/p1-home").Count(r => r.Headers["Title"] == (kind == "peak_at_risk" ? "Peak at risk" : "New monthly peak"));

    private static string? Kind(string json) => JsonDocument.Parse(json).RootElement.GetProperty("event").GetString();
}
