using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace P1Telemetry.MeterSimulator.Tests;

/// <summary>Every HomeWizard endpoint answers with the keys and value kinds of the real device's payloads.</summary>
public sealed class ApiShapeTests : IAsyncLifetime
{
    private SimulatorHost _host = null!;
    private string _token = null!;

    public async Task InitializeAsync()
    {
        _host = await TestSimulator.StartAsync(new SimulatorOptions { Seed = 42, Start = new DateTimeOffset(2026, 1, 20, 17, 30, 0, TimeSpan.Zero) });
        _token = _host.CreatePairedToken("local/shape-tests");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static async Task<JsonElement> GetJsonAsync(HttpClient client, string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await client.GetAsync(path);
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    private static void AssertSameKinds(JsonElement expected, JsonElement actual)
    {
        foreach (var property in expected.EnumerateObject())
        {
            if (actual.TryGetProperty(property.Name, out var value) && property.Value.ValueKind != JsonValueKind.Null)
            {
                Assert.True(FixtureFiles.Kind(property.Value) == FixtureFiles.Kind(value),
                    $"{property.Name}: fixture has {property.Value.ValueKind}, simulator {value.ValueKind}");
            }
        }
    }

    [Fact]
    public async Task V1_device_info_has_the_fixture_shape()
    {
        using var client = SimulatorClients.V1(_host);
        var body = await GetJsonAsync(client, "api");
        var fixture = FixtureFiles.Load("v1-api-HWE-P1-fw6.0305.json");

        Assert.Equal(FixtureFiles.Keys(fixture), FixtureFiles.Keys(body));
        AssertSameKinds(fixture, body);
        Assert.Equal("HWE-P1", body.GetProperty("product_type").GetString());
        Assert.Equal("v1", body.GetProperty("api_version").GetString());
        Assert.Equal(_host.Serial, body.GetProperty("serial").GetString());
    }

    [Fact]
    public async Task V1_data_has_every_field_of_a_Belgian_meter_and_nothing_real_devices_do_not_send()
    {
        using var client = SimulatorClients.V1(_host);
        var body = await GetJsonAsync(client, "api/v1/data");
        var belgian = FixtureFiles.Load("v1-data-HWE-P1-synthetic-3phase-gas-belgian-peak-5external.json");
        string[] others =
        [
            "v1-data-HWE-P1-nl-3phase-gas-landisgyr-redacted.json", "v1-data-HWE-P1-nl-1phase-gas-iskra2m550e.json",
            "v1-data-HWE-P1-dsmr42-3phase-gas-water-landisgyr.json",
        ];
        var known = new SortedSet<string>(FixtureFiles.Keys(belgian), StringComparer.Ordinal);
        foreach (var other in others)
        {
            known.UnionWith(FixtureFiles.Keys(FixtureFiles.Load(other)));
            AssertSameKinds(FixtureFiles.Load(other), body);
        }

        FixtureFiles.AssertHasAll(FixtureFiles.Keys(body), FixtureFiles.Keys(belgian), "simulator v1 data lacks fixture keys");
        FixtureFiles.AssertHasAll(known, FixtureFiles.Keys(body), "simulator v1 data has keys no real payload has");
        AssertSameKinds(belgian, body);

        var gas = body.GetProperty("external").EnumerateArray().Single();
        var fixtureGas = belgian.GetProperty("external")[0];
        Assert.Equal(FixtureFiles.Keys(fixtureGas), FixtureFiles.Keys(gas));
        AssertSameKinds(fixtureGas, gas);
        Assert.Equal("gas_meter", gas.GetProperty("type").GetString());
    }

    [Fact]
    public async Task V1_timestamps_are_YYMMDDhhmmss_numbers_in_meter_local_time()
    {
        using var client = SimulatorClients.V1(_host);
        var body = await GetJsonAsync(client, "api/v1/data");

        foreach (var field in new[] { "gas_timestamp", "montly_power_peak_timestamp" })
        {
            var number = body.GetProperty(field).GetInt64();
            var parsed = DateTime.ParseExact(number.ToString(CultureInfo.InvariantCulture), "yyMMddHHmmss", CultureInfo.InvariantCulture);
            Assert.Equal(2026, parsed.Year);
            Assert.Equal(1, parsed.Month);
        }

        // The meter started at 17:30 UTC = 18:30 CET; its last gas read was on a 5-minute mark.
        Assert.Equal(260120183000, body.GetProperty("gas_timestamp").GetInt64());
        Assert.Equal(body.GetProperty("total_gas_m3").GetDouble(), body.GetProperty("external")[0].GetProperty("value").GetDouble());
        Assert.Equal(body.GetProperty("total_power_import_kwh").GetDouble(),
            body.GetProperty("total_power_import_t1_kwh").GetDouble() + body.GetProperty("total_power_import_t2_kwh").GetDouble(), 3);
    }

    [Fact]
    public async Task V2_device_info_and_system_have_the_fixture_shapes()
    {
        using var client = SimulatorClients.V2(_host, _token);
        var device = await GetJsonAsync(client, "api");
        var system = await GetJsonAsync(client, "api/system");
        var deviceFixture = FixtureFiles.Load("v2-api-HWE-P1.json");
        var systemFixture = FixtureFiles.Load("v2-system-HWE-P1.json");

        Assert.Equal(FixtureFiles.Keys(deviceFixture), FixtureFiles.Keys(device));
        AssertSameKinds(deviceFixture, device);
        Assert.Equal("2.0.0", device.GetProperty("api_version").GetString());
        Assert.Equal(_host.Serial, device.GetProperty("serial").GetString());
        Assert.Equal(FixtureFiles.Keys(systemFixture), FixtureFiles.Keys(system));
        AssertSameKinds(systemFixture, system);
        Assert.True(system.GetProperty("api_v1_enabled").GetBoolean());
    }

    [Fact]
    public async Task V2_measurement_has_the_Belgian_fixture_shape()
    {
        using var client = SimulatorClients.V2(_host, _token);
        var body = await GetJsonAsync(client, "api/measurement");
        var fixture = FixtureFiles.Load("v2-measurement-HWE-P1-3phase-gas-water-belgian-peak.json");

        // Voltages per phase are documented v2 fields that the documentation's example leaves out.
        var allowed = new SortedSet<string>(FixtureFiles.Keys(fixture), StringComparer.Ordinal) { "voltage_l1_v", "voltage_l2_v", "voltage_l3_v" };
        FixtureFiles.AssertHasAll(FixtureFiles.Keys(body), FixtureFiles.Keys(fixture), "simulator v2 measurement lacks fixture keys");
        FixtureFiles.AssertHasAll(allowed, FixtureFiles.Keys(body), "simulator v2 measurement has undocumented keys");
        AssertSameKinds(fixture, body);

        var localIso = new Regex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$");
        Assert.Matches(localIso, body.GetProperty("timestamp").GetString());
        Assert.Matches(localIso, body.GetProperty("monthly_power_peak_timestamp").GetString());
        Assert.StartsWith("2026-01-20T18:30:", body.GetProperty("timestamp").GetString(), StringComparison.Ordinal);

        var gas = body.GetProperty("external").EnumerateArray().Single();
        var fixtureGas = fixture.GetProperty("external")[0];
        Assert.Equal(FixtureFiles.Keys(fixtureGas), FixtureFiles.Keys(gas));
        AssertSameKinds(fixtureGas, gas);
        Assert.Matches(localIso, gas.GetProperty("timestamp").GetString());
        Assert.Equal(body.GetProperty("power_w").GetInt32(),
            body.GetProperty("power_l1_w").GetInt32() + body.GetProperty("power_l2_w").GetInt32() + body.GetProperty("power_l3_w").GetInt32());
    }

    [Theory]
    [InlineData("api")]
    [InlineData("api/measurement")]
    [InlineData("api/system")]
    public async Task V2_answers_401_without_a_valid_token(string path)
    {
        var fixture = FixtureFiles.Load("v2-error-401-unauthorized.json");
        using var anonymous = SimulatorClients.V2(_host);
        using var wrongToken = SimulatorClients.V2(_host, "0123456789ABCDEF0123456789ABCDEF");

        foreach (var client in new[] { anonymous, wrongToken })
        {
            var body = await GetJsonAsync(client, path, HttpStatusCode.Unauthorized);
            Assert.Equal(fixture.GetRawText().Replace(" ", "").Replace("\n", ""), body.GetRawText());
        }
    }

    [Fact]
    public async Task Each_API_version_answers_on_its_own_listener_only()
    {
        using var v1 = SimulatorClients.V1(_host);
        using var v2 = SimulatorClients.V2(_host, _token);

        using var v2OnHttp = await v1.GetAsync("api/measurement");
        using var v1OnHttps = await v2.GetAsync("api/v1/data");

        Assert.Equal(HttpStatusCode.NotFound, v2OnHttp.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, v1OnHttps.StatusCode);
    }

    [Fact]
    public async Task Sim_readings_lists_every_telegram_as_v2_measurements_with_ts_utc()
    {
        using var client = SimulatorClients.V1(_host);
        var body = await GetJsonAsync(client, "sim/readings");
        var produced = _host.Readings;

        var readings = body.EnumerateArray().ToList();
        Assert.InRange(readings.Count, 1, produced.Count + 100);
        var first = readings[0];
        Assert.Equal("2026-01-20T17:30:00Z", first.GetProperty("ts_utc").GetString());
        Assert.Equal("2026-01-20T18:30:00", first.GetProperty("timestamp").GetString());
        Assert.Equal(produced[0].PowerW, first.GetProperty("power_w").GetInt32());
        Assert.Equal(produced[0].EnergyImportKwh, first.GetProperty("energy_import_kwh").GetDouble());
        var fixture = FixtureFiles.Load("v2-measurement-HWE-P1-3phase-gas-water-belgian-peak.json");
        FixtureFiles.AssertHasAll(FixtureFiles.Keys(first), FixtureFiles.Keys(fixture), "a reading lacks measurement keys");
    }
}
