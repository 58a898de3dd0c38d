using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using P1Telemetry.MeterSimulator.Meter;

namespace P1Telemetry.MeterSimulator.Tests;

/// <summary>Each fault mode shows on the HomeWizard API, and <c>/sim/</c> keeps working whatever the faults.</summary>
public sealed class FaultTests : IAsyncLifetime
{
    private SimulatorHost _host = null!;
    private string _token = null!;

    public async Task InitializeAsync()
    {
        _host = await TestSimulator.StartAsync(new SimulatorOptions { Speed = 20 });
        _token = _host.CreatePairedToken("local/faults");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<HttpResponseMessage> PutFaultsAsync(string json)
    {
        using var client = SimulatorClients.V1(_host);
        return await client.PutAsync("sim/faults", new StringContent(json, Encoding.UTF8, "application/json"));
    }

    private async Task<JsonElement> GetJsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    [Fact]
    public async Task Latency_delays_every_API_answer_but_not_the_control_endpoints()
    {
        _host.SetFaults(new SimulatorFaults { LatencyMs = 1_500 });
        using var client = SimulatorClients.V1(_host);

        var api = Stopwatch.StartNew();
        using (var response = await client.GetAsync("api/v1/data"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        api.Stop();
        var control = Stopwatch.StartNew();
        using (await client.GetAsync("sim/faults"))
        {
        }

        control.Stop();
        Assert.True(api.Elapsed >= TimeSpan.FromMilliseconds(1_490), $"took {api.Elapsed}");
        Assert.True(control.Elapsed < TimeSpan.FromMilliseconds(1_490), $"control took {control.Elapsed}");
    }

    [Fact]
    public async Task Error_rate_one_answers_500_on_both_versions_and_zero_restores_service()
    {
        using var put = await PutFaultsAsync("""{"error_rate":1}""");
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        using var v1 = SimulatorClients.V1(_host);
        using var v2 = SimulatorClients.V2(_host, _token);

        using (var r1 = await v1.GetAsync("api/v1/data"))
        using (var r2 = await v2.GetAsync("api/measurement"))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, r1.StatusCode);
            Assert.Equal(HttpStatusCode.InternalServerError, r2.StatusCode);
        }

        using var reset = await PutFaultsAsync("{}");
        using var ok = await v2.GetAsync("api/measurement");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task Error_rate_is_a_fraction_of_requests()
    {
        _host.SetFaults(new SimulatorFaults { ErrorRate = 0.5 });
        using var client = SimulatorClients.V1(_host);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 60; i++)
        {
            using var response = await client.GetAsync("api");
            statuses.Add(response.StatusCode);
        }

        Assert.Contains(HttpStatusCode.OK, statuses);
        Assert.Contains(HttpStatusCode.InternalServerError, statuses);
    }

    [Fact]
    public async Task Drop_rate_one_aborts_the_connection_without_an_answer()
    {
        _host.SetFaults(new SimulatorFaults { DropRate = 1 });
        using var v1 = SimulatorClients.V1(_host);
        using var v2 = SimulatorClients.V2(_host, _token);

        await Assert.ThrowsAsync<HttpRequestException>(() => v1.GetAsync("api/v1/data"));
        await Assert.ThrowsAsync<HttpRequestException>(() => v2.GetAsync("api/measurement"));
    }

    [Fact]
    public async Task Hang_never_answers_until_the_client_gives_up()
    {
        _host.SetFaults(new SimulatorFaults { Hang = true });
        using var client = SimulatorClients.V1(_host, TimeSpan.FromMilliseconds(700));

        await Assert.ThrowsAsync<TaskCanceledException>(() => client.GetAsync("api/v1/data"));

        using var control = SimulatorClients.V1(_host);
        var faults = await GetJsonAsync(control, "sim/faults");
        Assert.True(faults.GetProperty("hang").GetBoolean());
        using var reset = await PutFaultsAsync("""{"hang":false}""");
        using var ok = await control.GetAsync("api/v1/data");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Theory]
    [InlineData("backwards")]
    [InlineData("spike")]
    public async Task Glitch_changes_the_import_register_of_exactly_the_next_telegram(string glitch)
    {
        var before = _host.Readings.Count;
        using var put = await PutFaultsAsync($$"""{"glitch":"{{glitch}}"}""");
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        // Wait until the glitched telegram and a few normal ones after it exist.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (_host.Faults.Glitch is not null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        await _host.NextReadingAsync();
        await _host.NextReadingAsync();
        var readings = _host.Readings.Skip(Math.Max(0, before - 1)).ToList();
        var jumps = new List<int>();
        for (var i = 1; i < readings.Count; i++)
        {
            var delta = readings[i].ImportT1Wh - readings[i - 1].ImportT1Wh;
            if (glitch == "backwards" ? delta < 0 : delta >= Glitches.SpikeWh)
            {
                jumps.Add(i);
            }
        }

        var glitched = Assert.Single(jumps);
        Assert.True(glitched + 1 < readings.Count);
        var after = readings[glitched + 1];
        Assert.InRange(after.ImportT1Wh - readings[glitched - 1].ImportT1Wh, 0, 100);
        Assert.Null(_host.Faults.Glitch);
        using var control = SimulatorClients.V1(_host);
        Assert.Equal(JsonValueKind.Null, (await GetJsonAsync(control, "sim/faults")).GetProperty("glitch").ValueKind);
    }

    [Fact]
    public async Task Api_disabled_makes_v1_answer_403_error_202_while_v2_keeps_working()
    {
        _host.SetFaults(new SimulatorFaults { ApiDisabled = true });
        using var v1 = SimulatorClients.V1(_host);
        using var v2 = SimulatorClients.V2(_host, _token);
        var fixture = FixtureFiles.Load("v1-error-403-api-disabled.json");

        foreach (var path in new[] { "api", "api/v1/data" })
        {
            using var response = await v1.GetAsync(path);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(202, body.RootElement.GetProperty("error").GetProperty("id").GetInt32());
            Assert.Equal(fixture.GetProperty("error").GetProperty("description").GetString(),
                body.RootElement.GetProperty("error").GetProperty("description").GetString());
        }

        var system = await GetJsonAsync(v2, "api/system");
        Assert.False(system.GetProperty("api_v1_enabled").GetBoolean());
        using var measurement = await v2.GetAsync("api/measurement");
        Assert.Equal(HttpStatusCode.OK, measurement.StatusCode);
    }

    [Fact]
    public async Task Without_Belgian_fields_the_quarter_average_and_monthly_peak_are_absent()
    {
        _host.SetFaults(new SimulatorFaults { BelgianFields = false });
        using var v1 = SimulatorClients.V1(_host);
        using var v2 = SimulatorClients.V2(_host, _token);

        var data = await GetJsonAsync(v1, "api/v1/data");
        var measurement = await GetJsonAsync(v2, "api/measurement");

        foreach (var field in new[] { "active_power_average_w", "montly_power_peak_w", "montly_power_peak_timestamp" })
        {
            Assert.False(data.TryGetProperty(field, out _), field);
        }

        foreach (var field in new[] { "average_power_15m_w", "monthly_power_peak_w", "monthly_power_peak_timestamp" })
        {
            Assert.False(measurement.TryGetProperty(field, out _), field);
        }

        Assert.True(data.TryGetProperty("total_power_import_kwh", out _));
        Assert.True(measurement.TryGetProperty("energy_import_kwh", out _));

        _host.SetFaults(new SimulatorFaults());
        Assert.True((await GetJsonAsync(v2, "api/measurement")).TryGetProperty("average_power_15m_w", out _));
    }

    [Theory]
    [InlineData("""{"error_rate":2}""", "error_rate")]
    [InlineData("""{"drop_rate":-0.1}""", "drop_rate")]
    [InlineData("""{"latency_ms":-5}""", "latency_ms")]
    [InlineData("""{"glitch":"sideways"}""", "glitch")]
    [InlineData("""not json""", "faults")]
    public async Task Invalid_faults_are_a_400_problem_that_names_the_field(string body, string mentioned)
    {
        using var response = await PutFaultsAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(mentioned, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(new SimulatorFaults(), _host.Faults);
    }

    [Fact]
    public async Task Control_endpoints_answer_on_the_HTTPS_listener_too()
    {
        using var v2 = SimulatorClients.V2(_host);
        using var put = await v2.PutAsJsonAsync("sim/faults", new { latency_ms = 5 });
        using var button = await v2.PostAsync("sim/button", null);

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, button.StatusCode);
        Assert.Equal(5, _host.Faults.LatencyMs);
    }
}
