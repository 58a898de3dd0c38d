using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using P1Telemetry.Server.Tests.Support;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.Server.Tests.Alerts;

/// <summary>
/// One server on SQLite with every channel: a real local receiver as ntfy and webhook, a real mosquitto broker
/// watched as Home Assistant would. A household's power drives a quarter over its target.
/// </summary>
public sealed class AlertChannelsTests : IAsyncLifetime
{
    private const string Secret = "webhook-secret-0123";
    private const string NtfyToken = "tk_ntfytoken123";
    private static readonly DateTimeOffset Quarter = ServerFactory.Now; // 12:00 UTC on the 1st of March: the month's first data

    private AlertReceiver _receiver = null!;
    private MosquittoInstance _broker = null!;
    private MqttRecorder _mqtt = null!;
    private ServerFactory _server = null!;

    public async Task InitializeAsync()
    {
        _receiver = await AlertReceiver.StartAsync();
        _broker = await MosquittoInstance.StartAsync();
        _mqtt = await MqttRecorder.StartAsync(_broker.Port);
        _server = new ServerFactory(Channels(_receiver, _broker));
    }

    public static Dictionary<string, string?> Channels(AlertReceiver receiver, MosquittoInstance broker) => new()
    {
        ["NTFY_URL"] = receiver.Url + "/ntfy/p1-home",
        ["NTFY_TOKEN"] = NtfyToken,
        ["WEBHOOK_URL"] = receiver.Url + "/hook",
        ["WEBHOOK_SECRET"] = Secret,
        ["MQTT_URL"] = broker.Url,
    };

    public async Task DisposeAsync()
    {
        _server.Dispose();
        await _mqtt.DisposeAsync();
        await _broker.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task A_quarter_over_its_target_warns_once_on_every_channel_and_its_close_reports_the_new_peak()
    {
        using var client = _server.CreateClient(ServerFactory.Token1);
        var home = new Household(ServerFactory.Device1);

        // 4 kW for five minutes: 1.3 kW so far, 4 kW projected against the 2.5 kW floor.
        _server.Clock.AdjustTime(Quarter + TimeSpan.FromMinutes(5));
        await client.IngestAsync(home.Draw(Quarter, TimeSpan.FromMinutes(5), 4000));
        await Eventually.TrueAsync(() => Events(AlertKindsUnderTest.PeakAtRisk).Count == 3, "peak_at_risk on ntfy, webhook and MQTT", seconds: 30);

        var ntfy = Assert.Single(_receiver.At("/ntfy/p1-home"));
        Assert.Equal("POST", ntfy.Method);
        Assert.Equal("Peak at risk", ntfy.Headers["Title"]);
        Assert.Equal("high", ntfy.Headers["Priority"]);
        Assert.Contains("warning", ntfy.Headers["Tags"], StringComparison.Ordinal);
        Assert.Equal($"Bearer {NtfyToken}", ntfy.Headers["Authorization"]);
        Assert.StartsWith("text/plain", ntfy.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Equal("Peak at risk: 4.0 kW projected, target 2.5 kW — 1.8 kW left for 10 min", ntfy.Text);

        var hook = Assert.Single(_receiver.At("/hook"));
        Assert.Equal("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), hook.Body)), hook.Headers["X-P1-Signature"]);
        var body = JsonDocument.Parse(hook.Body).RootElement;
        Assert.Equal("peak_at_risk", body.GetProperty("event").GetString());
        Assert.Equal(ServerFactory.Device1, body.GetProperty("device_id").GetString());
        Assert.Equal(Quarter, body.GetProperty("quarter_start").GetDateTimeOffset());
        Assert.Equal(1333.3, body.GetProperty("average_so_far_w").GetDouble(), 0);
        Assert.Equal(4000, body.GetProperty("projected_w").GetDouble(), 0);
        Assert.Equal(2500, body.GetProperty("target_w").GetDouble());
        Assert.True(body.GetProperty("remaining_w").GetDouble() > 0);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("month_peak_w").ValueKind);
        Assert.Equal(Quarter + TimeSpan.FromMinutes(5), body.GetProperty("at").GetDateTimeOffset());

        var mqttEvent = Assert.Single(_mqtt.On("p1telemetry/meter-1/event"));
        Assert.False(mqttEvent.Retain);
        Assert.Equal("peak_at_risk", JsonDocument.Parse(mqttEvent.Payload).RootElement.GetProperty("event").GetString());

        // The rest of the quarter at 4 kW, then a quiet start of the next one: the 4 kW quarter is the month's peak.
        await AlertApi.EvaluatedAsync(_server);
        await AlertApi.SettledAsync(_server, client, ServerFactory.Device1);
        _server.Clock.AdjustTime(Quarter + TimeSpan.FromMinutes(16));
        await client.IngestAsync([.. home.Draw(Quarter + TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10), 4000),
            .. home.Draw(Quarter + TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(1), 300)]);
        await Eventually.TrueAsync(() => Events(AlertKindsUnderTest.NewMonthlyPeak).Count == 3, "new_monthly_peak on every channel", seconds: 30);

        var peakHook = Assert.Single(_receiver.At("/hook"), r => Kind(r.Text) == "new_monthly_peak");
        var peak = JsonDocument.Parse(peakHook.Body).RootElement;
        Assert.Equal(4000, peak.GetProperty("peak_w").GetDouble(), 0);
        Assert.Equal(2500, peak.GetProperty("previous_billed_peak_w").GetDouble());
        Assert.Equal(1500, peak.GetProperty("rolling_average_change_w").GetDouble(), 0);
        var peakNtfy = Assert.Single(_receiver.At("/ntfy/p1-home"), r => r.Headers["Title"] == "New monthly peak");
        Assert.Equal("default", peakNtfy.Headers["Priority"]);
        Assert.StartsWith("New monthly peak: 4.0 kW (was 2.5 kW)", peakNtfy.Text, StringComparison.Ordinal);

        // Exactly once per channel, whatever the later evaluations saw.
        Assert.Equal(3, Events(AlertKindsUnderTest.PeakAtRisk).Count);

        // The device's alert list shows both, delivered on each channel (once the server recorded the outcome of
        // the sends the receivers already saw).
        await AlertApi.SettledAsync(_server, client, ServerFactory.Device1);
        using var list = await client.GetAsync($"/v1/devices/{ServerFactory.Device1}/alerts");
        var alerts = JsonDocument.Parse(await list.Content.ReadAsStringAsync()).RootElement.GetProperty("alerts");
        foreach (var kind in new[] { "peak_at_risk", "new_monthly_peak" })
        {
            var alert = Assert.Single(alerts.EnumerateArray(), a => a.GetProperty("kind").GetString() == kind);
            Assert.All(alert.GetProperty("deliveries").EnumerateArray(), d => Assert.Equal("delivered", d.GetProperty("state").GetString()));
            Assert.Equal(3, alert.GetProperty("deliveries").GetArrayLength());
        }
    }

    [Fact]
    public async Task Home_Assistant_finds_the_sensors_and_reads_the_retained_state()
    {
        using var client = _server.CreateClient(ServerFactory.Token1);
        var home = new Household(ServerFactory.Device1);
        _server.Clock.AdjustTime(Quarter + TimeSpan.FromMinutes(5));
        await client.IngestAsync(home.Draw(Quarter, TimeSpan.FromMinutes(5), 4000));
        await Eventually.TrueAsync(() => _mqtt.On("p1telemetry/meter-1/state").Count > 0, "the device's state", seconds: 30);

        // A client that connects afterwards (Home Assistant restarting) gets the discovery and the state retained.
        await using var late = await MqttRecorder.StartAsync(_broker.Port);
        await Eventually.TrueAsync(() => late.On("p1telemetry/meter-1/state").Count > 0
            && late.Messages.Count(m => m.Topic.StartsWith("homeassistant/", StringComparison.Ordinal)) == 8, "retained discovery and state", seconds: 30);

        var state = JsonDocument.Parse(late.On("p1telemetry/meter-1/state")[^1].Payload).RootElement;
        Assert.True(late.On("p1telemetry/meter-1/state")[^1].Retain);
        Assert.Equal(4000, state.GetProperty("power_w").GetDouble());
        Assert.Equal(4000, state.GetProperty("projected_w").GetDouble(), 0);
        Assert.Equal(2500, state.GetProperty("target_w").GetDouble());
        Assert.True(state.GetProperty("peak_at_risk").GetBoolean());
        Assert.Equal(2500, state.GetProperty("rolling_average_w").GetDouble());

        var sensors = new Dictionary<string, (string DeviceClass, string Unit, string Field)>
        {
            ["power"] = ("power", "W", "power_w"),
            ["quarter_average"] = ("power", "W", "quarter_average_w"),
            ["projection"] = ("power", "W", "projected_w"),
            ["remaining_power"] = ("power", "W", "remaining_w"),
            ["month_peak"] = ("power", "W", "month_peak_w"),
            ["rolling_average"] = ("power", "W", "rolling_average_w"),
            ["month_cost"] = ("monetary", "EUR", "month_cost_eur"),
        };
        foreach (var (objectId, expected) in sensors)
        {
            var message = Assert.Single(late.On($"homeassistant/sensor/p1telemetry_meter-1/{objectId}/config"));
            Assert.True(message.Retain);
            var config = JsonDocument.Parse(message.Payload).RootElement;
            Assert.Equal("p1telemetry/meter-1/state", config.GetProperty("state_topic").GetString());
            Assert.Equal(expected.DeviceClass, config.GetProperty("device_class").GetString());
            Assert.Equal(expected.Unit, config.GetProperty("unit_of_measurement").GetString());
            Assert.Equal($"{{{{ value_json.{expected.Field} }}}}", config.GetProperty("value_template").GetString());
            Assert.Equal($"p1telemetry_meter-1_{objectId}", config.GetProperty("unique_id").GetString());
            Assert.Equal("p1telemetry/status", config.GetProperty("availability_topic").GetString());
            Assert.Equal("p1telemetry_meter-1", config.GetProperty("device").GetProperty("identifiers")[0].GetString());
            // Home Assistant refuses a monetary sensor with state_class measurement.
            Assert.Equal(objectId == "month_cost" ? null : "measurement",
                config.TryGetProperty("state_class", out var stateClass) ? stateClass.GetString() : null);
            // The template names a field the state carries.
            Assert.True(state.TryGetProperty(expected.Field, out _), $"state lacks {expected.Field}");
        }

        var binary = JsonDocument.Parse(Assert.Single(late.On("homeassistant/binary_sensor/p1telemetry_meter-1/peak_at_risk/config")).Payload).RootElement;
        Assert.Equal("{{ 'ON' if value_json.peak_at_risk else 'OFF' }}", binary.GetProperty("value_template").GetString());
        Assert.Equal("ON", binary.GetProperty("payload_on").GetString());
        Assert.Equal("online", Assert.Single(late.On("p1telemetry/status")).Payload);
    }

    private List<string> Events(string kind) =>
        [.. _receiver.Requests.Where(r => Kind(r) == kind).Select(r => r.Path),
         .. _mqtt.On("p1telemetry/meter-1/event").Where(m => Kind(m.Payload) == kind).Select(m => m.Topic)];

    private static string? Kind(ReceivedRequest request) => request.Path == "/hook" ? Kind(request.Text)
        : request.Headers.GetValueOrDefault("Title") switch
        {
            "Peak at risk" => "peak_at_risk",
            "New monthly peak" => "new_monthly_peak",
            "New peak certain" => "peak_certain",
            var other => other,
        };

    private static string? Kind(string json) => JsonDocument.Parse(json).RootElement.GetProperty("event").GetString();
}

internal static class AlertKindsUnderTest
{
    public const string PeakAtRisk = "peak_at_risk";
    public const string NewMonthlyPeak = "new_monthly_peak";
}
