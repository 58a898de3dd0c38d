using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using P1Telemetry.Server.Tests.Accounts;
using P1Telemetry.Server.Tests.Support;

namespace P1Telemetry.Server.Tests.Alerts;

/// <summary>The alert settings of <c>PUT /v1/devices/{id}/settings</c> (SQLite) and the environment's channels.</summary>
public sealed class AlertSettingsTests : IAsyncLifetime
{
    private const string A = AccountsServer.HomeA;
    private AccountsServer _server = null!;

    public async Task InitializeAsync() => _server = await AccountsServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("{\"alerts_enabled\":\"yes\"}", "alerts_enabled")]
    [InlineData("{\"alert_risk_pct\":0}", "alert_risk_pct")]
    [InlineData("{\"alert_risk_pct\":101}", "alert_risk_pct")]
    [InlineData("{\"alert_risk_pct\":85.5}", "alert_risk_pct")]
    [InlineData("{\"alert_no_data_min\":0}", "alert_no_data_min")]
    [InlineData("{\"alert_no_data_min\":\"10\"}", "alert_no_data_min")]
    [InlineData("{\"ntfy_url\":\"ftp://ntfy.example/topic\"}", "ntfy_url")]
    [InlineData("{\"ntfy_url\":\"not a url\"}", "ntfy_url")]
    [InlineData("{\"ntfy_url\":\"https://user:pw@ntfy.example/topic\"}", "ntfy_url")]
    [InlineData("{\"ntfy_token\":\"tk_\\u0000\"}", "ntfy_token")]
    [InlineData("{\"ntfy_token\":\"\"}", "ntfy_token")]
    [InlineData("{\"webhook_url\":\"https://hooks.example/p1\"}", "webhook_secret")]
    [InlineData("{\"webhook_url\":42,\"webhook_secret\":\"s\"}", "webhook_url")]
    [InlineData("{\"webhook_url\":\"https://hooks.example/p1\",\"webhook_secret\":\" padded \"}", "webhook_secret")]
    public async Task Bad_alert_settings_are_400_problems_naming_the_field(string body, string field)
    {
        using var client = _server.Client(_server.UserTokens["olivia"]);
        using var response = await client.PutAsync($"/v1/devices/{A}/settings", new StringContent(body, Encoding.UTF8, "application/json"));

        var problem = await response.ReadProblemAsync(400);
        Assert.Equal(field, problem.GetProperty("field").GetString());
        var settings = JsonDocument.Parse(await client.GetStringAsync($"/v1/devices/{A}/settings")).RootElement;
        Assert.Equal(90, settings.GetProperty("alert_risk_pct").GetInt32());
        Assert.Empty(settings.GetProperty("alert_channels").EnumerateArray());
    }

    [Fact]
    public async Task Alert_settings_round_trip_and_the_secrets_are_write_only()
    {
        using var client = _server.Client(_server.UserTokens["olivia"]);
        var body = """
            {"alerts_enabled":false,"alert_risk_pct":80,"alert_no_data_min":30,"goal_peak_w":3000,
             "ntfy_url":"https://ntfy.example/p1-home","ntfy_token":"tk_device_secret_1",
             "webhook_url":"https://hooks.example/p1","webhook_secret":"hook-secret-value"}
            """;
        using var put = await client.PutAsync($"/v1/devices/{A}/settings", new StringContent(body, Encoding.UTF8, "application/json"));
        var answer = await put.Content.ReadAsStringAsync();
        Assert.True(put.IsSuccessStatusCode, answer);
        await _server.RefreshAsync();
        var read = await client.GetStringAsync($"/v1/devices/{A}/settings");

        foreach (var text in new[] { answer, read })
        {
            Assert.DoesNotContain("tk_device_secret_1", text, StringComparison.Ordinal);
            Assert.DoesNotContain("hook-secret-value", text, StringComparison.Ordinal);
            var settings = JsonDocument.Parse(text).RootElement;
            Assert.False(settings.GetProperty("alerts_enabled").GetBoolean());
            Assert.Equal(80, settings.GetProperty("alert_risk_pct").GetInt32());
            Assert.Equal(30, settings.GetProperty("alert_no_data_min").GetInt32());
            Assert.Equal(3000, settings.GetProperty("goal_peak_w").GetInt32());
            Assert.Equal("https://ntfy.example/p1-home", settings.GetProperty("ntfy_url").GetString());
            Assert.True(settings.GetProperty("ntfy_token_set").GetBoolean());
            Assert.True(settings.GetProperty("webhook_secret_set").GetBoolean());
            Assert.Equal(["ntfy", "webhook"], settings.GetProperty("alert_channels").EnumerateArray().Select(c => c.GetString()));
        }

        // null restores the defaults and removes the channel with its secret.
        using var reset = await client.PutAsync($"/v1/devices/{A}/settings", new StringContent(
            """{"alerts_enabled":null,"alert_risk_pct":null,"ntfy_url":null,"ntfy_token":null,"webhook_url":null,"webhook_secret":null}""",
            Encoding.UTF8, "application/json"));
        var restored = JsonDocument.Parse(await reset.Content.ReadAsStringAsync()).RootElement;
        Assert.True(restored.GetProperty("alerts_enabled").GetBoolean());
        Assert.Equal(90, restored.GetProperty("alert_risk_pct").GetInt32());
        Assert.False(restored.GetProperty("ntfy_token_set").GetBoolean());
        Assert.Empty(restored.GetProperty("alert_channels").EnumerateArray());
    }

    [Fact]
    public async Task A_viewer_may_read_the_alerts_but_not_change_the_alert_settings()
    {
        using var viewer = _server.Client(_server.UserTokens["victor"]);
        using var put = await viewer.PutAsync($"/v1/devices/{A}/settings", new StringContent("""{"alert_risk_pct":50}""", Encoding.UTF8, "application/json"));
        await put.ReadProblemAsync(403);
        using var list = await viewer.GetAsync($"/v1/devices/{A}/alerts");
        Assert.True(list.IsSuccessStatusCode);
        using var stranger = _server.Client(_server.UserTokens["stranger"]);
        using var denied = await stranger.GetAsync($"/v1/devices/{A}/alerts");
        await denied.ReadProblemAsync(403);
        using var anonymous = _server.Client();
        using var unauthorized = await anonymous.GetAsync($"/v1/devices/{A}/alerts");
        Assert.Equal(401, (int)unauthorized.StatusCode);
    }

    /// <summary>The real process refusing to start is in ServerProcessTests; here every variable's check.</summary>
    [Theory]
    [InlineData("NTFY_URL", "ntfy.example/topic")]
    [InlineData("NTFY_TOKEN", "tk with\ttab")]
    [InlineData("WEBHOOK_URL", "https://hooks.example/p1")]
    [InlineData("WEBHOOK_SECRET", " padded ")]
    [InlineData("MQTT_URL", "http://broker:1883")]
    [InlineData("MQTT_URL", "mqtt://broker:1883/topic")]
    [InlineData("MQTT_DISCOVERY_PREFIX", "home/#")]
    [InlineData("ALERT_RISK_PCT", "150")]
    [InlineData("ALERT_NO_DATA_MIN", "0")]
    [InlineData("ALERT_COOLDOWN_MIN", "5")]
    public void A_bad_channel_setting_is_refused_naming_the_variable(string variable, string value)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [variable] = value }).Build();
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        services.AddOptions<P1Telemetry.Server.Alerts.AlertOptions>().Bind(configuration).ValidateDataAnnotations();
        services.AddSingleton<IValidateOptions<P1Telemetry.Server.Alerts.AlertOptions>, P1Telemetry.Server.Alerts.AlertOptionsValidator>();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<P1Telemetry.Server.Alerts.AlertOptions>>().Value);
        Assert.Contains(variable == "WEBHOOK_URL" ? "WEBHOOK_SECRET" : variable, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mqtt://user:p%40ss@broker.lan:1884", "broker.lan", 1884, false, "user", "p@ss")]
    [InlineData("mqtts://broker.example", "broker.example", 8883, true, null, null)]
    [InlineData("mqtt://broker", "broker", 1883, false, null, null)]
    public void Mqtt_urls_name_the_broker_its_tls_and_credentials(string url, string host, int port, bool tls, string? user, string? password)
    {
        Assert.True(P1Telemetry.Server.Alerts.MqttUrl.TryParse(url, out var parsed, out var error), error);
        Assert.Equal(new P1Telemetry.Server.Alerts.MqttUrl(host, port, tls, user, password), parsed);
    }
}
