using System.Net;
using System.Text;
using System.Text.Json;
using P1Telemetry.Contracts.Domain;
using P1Telemetry.Server.Tests.Support;

namespace P1Telemetry.Server.Tests.Accounts;

/// <summary>Per-device settings: validation, round trip, and the capacity figures that follow the device's own tariff and time zone.</summary>
public abstract class DeviceSettingsTests : IAsyncLifetime
{
    private const string A = AccountsServer.HomeA;
    private const string B = AccountsServer.HomeB;

    protected AccountsServer Server { get; private set; } = null!;

    public abstract Task InitializeAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();

    protected async Task StartAsync(string? databaseUrl) => Server = await AccountsServer.StartAsync(databaseUrl);

    [Theory]
    [InlineData("{\"timezone\":\"Mars/Base\"}", "timezone")]
    [InlineData("{\"timezone\":42}", "timezone")]
    [InlineData("{\"grid_area\":\"Atlantis\"}", "grid_area")]
    [InlineData("{\"tariff_eur_per_kw_year\":-1}", "tariff_eur_per_kw_year")]
    [InlineData("{\"tariff_eur_per_kw_year\":\"50\"}", "tariff_eur_per_kw_year")]
    [InlineData("{\"vat_pct\":101}", "vat_pct")]
    [InlineData("{\"goal_peak_w\":1.5}", "goal_peak_w")]
    [InlineData("{\"goal_peak_w\":0}", "goal_peak_w")]
    [InlineData("{\"name\":\"\"}", "name")]
    [InlineData("{\"name\":\"tab\\there\"}", "name")]
    [InlineData("{\"colour\":\"red\"}", "colour")]
    [InlineData("[]", "body")]
    [InlineData("{\"vat_pct\":", "body")]
    public async Task Nonsense_settings_are_400_problems_naming_the_field_and_change_nothing(string body, string field)
    {
        using var client = Server.Client(Server.UserTokens["olivia"]);
        using var response = await client.PutAsync($"/v1/devices/{A}/settings", new StringContent(body, Encoding.UTF8, "application/json"));

        var problem = await response.ReadProblemAsync(400);
        Assert.Equal(field, problem.GetProperty("field").GetString());
        var settings = JsonDocument.Parse(await client.GetStringAsync($"/v1/devices/{A}/settings")).RootElement;
        Assert.Equal("Home A", settings.GetProperty("name").GetString());
        Assert.Equal("imewo", settings.GetProperty("grid_area").GetString());
    }

    [Fact]
    public async Task Other_media_types_and_malformed_ids_are_4xx_problems()
    {
        using var client = Server.Client(Server.UserTokens["admin"]);
        using var text = await client.PutAsync($"/v1/devices/{A}/settings", new StringContent("{}", Encoding.UTF8, "text/plain"));
        await text.ReadProblemAsync(415);
        using var badId = await client.GetAsync("/v1/devices/bad%20id/settings");
        await badId.ReadProblemAsync(400);
        using var unknown = await client.GetAsync("/v1/devices/no-such-home/settings");
        await unknown.ReadProblemAsync(403);
    }

    [Fact]
    public async Task Settings_round_trip_and_show_in_the_device_list()
    {
        using var client = Server.Client(Server.UserTokens["olivia"]);
        using var put = await client.PutAsync($"/v1/devices/{A}/settings",
            AccountsServer.Json(new { name = "Grandma", goal_peak_w = 4500, vat_pct = 21, timezone = "Europe/Amsterdam" }));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var settings = JsonDocument.Parse(await client.GetStringAsync($"/v1/devices/{A}/settings")).RootElement;
        Assert.Equal("Grandma", settings.GetProperty("name").GetString());
        Assert.Equal(4500, settings.GetProperty("goal_peak_w").GetInt32());
        Assert.Equal(21m, settings.GetProperty("vat_pct").GetDecimal());
        Assert.Equal("Europe/Amsterdam", settings.GetProperty("timezone").GetString());
        Assert.Equal("imewo", settings.GetProperty("grid_area").GetString());

        var device = JsonDocument.Parse(await client.GetStringAsync("/v1/devices")).RootElement.GetProperty("devices")[0];
        Assert.Equal("Grandma", device.GetProperty("name").GetString());
        Assert.Equal(4500, device.GetProperty("goal_peak_w").GetInt32());
        // The seeded readings end 20 minutes before the clock's now.
        Assert.Equal("stale", device.GetProperty("status").GetString());
        Assert.True(device.GetProperty("month_peak_w").GetDouble() > 0);

        using var meter = Server.Client(Server.HomeAToken);
        var now = Server.Factory.Clock.GetUtcNow();
        await meter.IngestAsync([Samples.At(A, now - TimeSpan.FromMinutes(1), 1750, 5000)]);
        device = JsonDocument.Parse(await client.GetStringAsync("/v1/devices")).RootElement.GetProperty("devices")[0];
        Assert.Equal("fresh", device.GetProperty("status").GetString());
        Assert.Equal(1750, device.GetProperty("power_w").GetInt32());
        Assert.Equal(now - TimeSpan.FromMinutes(1), device.GetProperty("last_reading_ts").GetDateTimeOffset());

        using var admin = Server.Client(Server.UserTokens["admin"]);
        var all = JsonDocument.Parse(await admin.GetStringAsync("/v1/devices")).RootElement.GetProperty("devices");
        var homeB = all.EnumerateArray().Single(d => d.GetProperty("device_id").GetString() == B);
        Assert.Equal("no_data", homeB.GetProperty("status").GetString());
        Assert.Equal("admin", homeB.GetProperty("access").GetString());

        using var reset = await client.PutAsync($"/v1/devices/{A}/settings", AccountsServer.Json(new { goal_peak_w = (int?)null, timezone = (string?)null }));
        var after = JsonDocument.Parse(await reset.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(JsonValueKind.Null, after.GetProperty("goal_peak_w").ValueKind);
        Assert.Equal("Europe/Brussels", after.GetProperty("timezone").GetString());
        Assert.Equal("Grandma", after.GetProperty("name").GetString());
    }

    [Fact]
    public async Task The_month_is_costed_at_the_device_tariff_and_a_settings_change_reaches_cached_months()
    {
        using var owner = Server.Client(Server.UserTokens["olivia"]);
        // March is settled (and so cached) once the clock is in April.
        Server.Factory.Clock.AdjustTime(new DateTimeOffset(2026, 4, 10, 12, 0, 0, TimeSpan.Zero));

        var before = await MonthAsync(owner, A, "2026-03");
        Assert.Equal(54.20m, before.GetProperty("tariff_eur_per_kw_year").GetDecimal());
        Assert.Equal(6m, before.GetProperty("vat_pct").GetDecimal());
        AssertCost(before, 54.20m, 6m);

        using var put = await owner.PutAsync($"/v1/devices/{A}/settings", AccountsServer.Json(new { tariff_eur_per_kw_year = 60.5, vat_pct = 21 }));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var after = await MonthAsync(owner, A, "2026-03");
        Assert.Equal(60.5m, after.GetProperty("tariff_eur_per_kw_year").GetDecimal());
        Assert.Equal(21m, after.GetProperty("vat_pct").GetDecimal());
        AssertCost(after, 60.5m, 21m);
    }

    [Fact]
    public async Task A_past_month_is_costed_at_the_tariff_valid_then()
    {
        using var device = Server.Client(Server.HomeAToken);
        using var owner = Server.Client(Server.UserTokens["olivia"]);
        var december = new DateTimeOffset(2025, 12, 10, 12, 0, 0, TimeSpan.Zero);
        await device.IngestAsync(Samples.Series(A, december, 300, TimeSpan.FromSeconds(10), seed: 3));
        var (code, _, error) = await Server.CliAsync(null, "tariffs", "add", "Imewo", "--from", "2025-01-01", "--to", "2026-01-01", "--eur-per-kw-year", "41.5");
        Assert.True(code == 0, error);
        await Server.RefreshAsync();

        var past = await MonthAsync(owner, A, "2025-12");
        Assert.Equal(41.5m, past.GetProperty("tariff_eur_per_kw_year").GetDecimal());
        AssertCost(past, 41.5m, 6m);
        Assert.Equal(54.20m, (await MonthAsync(owner, A, "2026-03")).GetProperty("tariff_eur_per_kw_year").GetDecimal());

        var year = JsonDocument.Parse(await owner.GetStringAsync($"/v1/capacity/year/2025?device_id={A}")).RootElement;
        Assert.Equal(41.5m, year.GetProperty("tariff_eur_per_kw_year").GetDecimal());
    }

    [Fact]
    public async Task Month_boundaries_follow_the_device_time_zone()
    {
        using var device = Server.Client(Server.HomeBToken);
        using var admin = Server.Client(Server.UserTokens["admin"]);
        // 03:00-04:30 UTC on 1 March: early March in Brussels, still 28 February in New York.
        await device.IngestAsync(Samples.Series(B, new DateTimeOffset(2026, 3, 1, 3, 0, 0, TimeSpan.Zero), 540, TimeSpan.FromSeconds(10), seed: 5));

        Assert.NotEqual(JsonValueKind.Null, (await MonthAsync(admin, B, "2026-03")).GetProperty("monthly_peak_w").ValueKind);
        Assert.Equal(JsonValueKind.Null, (await MonthAsync(admin, B, "2026-02")).GetProperty("monthly_peak_w").ValueKind);

        using var put = await admin.PutAsync($"/v1/devices/{B}/settings", AccountsServer.Json(new { timezone = "America/New_York" }));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var february = await MonthAsync(admin, B, "2026-02");
        Assert.Equal("America/New_York", february.GetProperty("timezone").GetString());
        Assert.Equal(new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.FromHours(-5)), february.GetProperty("from").GetDateTimeOffset());
        Assert.NotEqual(JsonValueKind.Null, february.GetProperty("monthly_peak_w").ValueKind);
        Assert.Equal(JsonValueKind.Null, (await MonthAsync(admin, B, "2026-03")).GetProperty("monthly_peak_w").ValueKind);
    }

    private static async Task<JsonElement> MonthAsync(HttpClient client, string deviceId, string month)
    {
        using var response = await client.GetAsync($"/v1/capacity/month/{month}?device_id={deviceId}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement;
    }

    private static void AssertCost(JsonElement month, decimal tariff, decimal vat)
    {
        var expected = new CapacityTariff(tariff, vat).CostForMonth(month.GetProperty("rolling_12m_average_w").GetDouble());
        Assert.Equal(expected.ExclVat, month.GetProperty("cost_eur_excl_vat").GetDecimal());
        Assert.Equal(expected.InclVat, month.GetProperty("cost_eur_incl_vat").GetDecimal());
    }
}

public sealed class SqliteDeviceSettingsTests : DeviceSettingsTests
{
    public override Task InitializeAsync() => StartAsync(null);
}

[Collection(PostgresTests.Name)]
public sealed class PostgresDeviceSettingsTests(PostgresClusterFixture cluster) : DeviceSettingsTests
{
    public override async Task InitializeAsync() => await StartAsync(await cluster.Instance.CreateDatabaseAsync("settings"));
}
