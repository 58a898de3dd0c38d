using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace P1Telemetry.MeterSimulator.Tests;

/// <summary>v2 pairing: <c>POST /api/user</c> works only within 30 s of a button press; re-pairing replaces the token.</summary>
public sealed class PairingTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 6, 1, 10, 0, 0, TimeSpan.Zero));
    private SimulatorHost _host = null!;

    public async Task InitializeAsync() => _host = await TestSimulator.StartAsync(new SimulatorOptions { TimeProvider = _time });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<(HttpStatusCode Status, JsonElement Body)> PairAsync(string name)
    {
        using var client = SimulatorClients.V2(_host);
        using var response = await client.PostAsJsonAsync("api/user", new { name });
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, document.RootElement.Clone());
    }

    private async Task<HttpStatusCode> MeasurementStatusAsync(string token)
    {
        using var client = SimulatorClients.V2(_host, token);
        using var response = await client.GetAsync("api/measurement");
        return response.StatusCode;
    }

    private async Task PressButtonOverHttpAsync()
    {
        using var client = SimulatorClients.V1(_host);
        using var response = await client.PostAsync("sim/button", null);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task Without_a_button_press_user_creation_is_refused_with_the_documented_error()
    {
        var (status, body) = await PairAsync("local/edge");

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal(FixtureFiles.Load("v2-post-user-403-creation-not-enabled.json").GetProperty("error").GetString(),
            body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task After_a_button_press_pairing_returns_a_32_hex_token_that_opens_the_API()
    {
        await PressButtonOverHttpAsync();
        var (status, body) = await PairAsync("local/edge");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(FixtureFiles.Keys(FixtureFiles.Load("v2-post-user-200-token.json")), FixtureFiles.Keys(body));
        Assert.Matches("^[0-9A-F]{32}$", body.GetProperty("token").GetString());
        Assert.Equal("local/edge", body.GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.OK, await MeasurementStatusAsync(body.GetProperty("token").GetString()!));
    }

    [Fact]
    public async Task Pairing_the_same_name_again_invalidates_the_old_token_only()
    {
        _host.PressButton();
        var first = (await PairAsync("local/edge")).Body.GetProperty("token").GetString()!;
        var other = (await PairAsync("local/phone")).Body.GetProperty("token").GetString()!;
        var second = (await PairAsync("local/edge")).Body.GetProperty("token").GetString()!;

        Assert.NotEqual(first, second);
        Assert.Equal(HttpStatusCode.Unauthorized, await MeasurementStatusAsync(first));
        Assert.Equal(HttpStatusCode.OK, await MeasurementStatusAsync(second));
        Assert.Equal(HttpStatusCode.OK, await MeasurementStatusAsync(other));
    }

    [Fact]
    public async Task The_pairing_window_closes_30_seconds_after_the_press()
    {
        _host.PressButton();
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(HttpStatusCode.OK, (await PairAsync("local/early")).Status);

        _time.Advance(TimeSpan.FromSeconds(1));
        var (status, body) = await PairAsync("local/late");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("user:creation-not-enabled", body.GetProperty("error").GetString());

        _host.PressButton();
        Assert.Equal(HttpStatusCode.OK, (await PairAsync("local/late")).Status);
    }

    [Theory]
    [InlineData("edge")]
    [InlineData("local/")]
    [InlineData("remote/edge")]
    [InlineData("local/12345678901234567890123456789012345678901")]
    public async Task Names_outside_local_1_to_40_chars_are_refused(string name)
    {
        _host.PressButton();
        var (status, body) = await PairAsync(name);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("user:name-invalid", body.GetProperty("error").GetString());
        Assert.Equal(FixtureFiles.Keys(FixtureFiles.Load("v2-post-user-400-name-invalid.json")), FixtureFiles.Keys(body));
    }

    [Fact]
    public async Task A_body_that_is_not_JSON_is_a_400()
    {
        _host.PressButton();
        using var client = SimulatorClients.V2(_host);
        using var response = await client.PostAsync("api/user", new StringContent("name=local/edge"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("request:json-invalid", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forty_characters_is_still_a_valid_name()
    {
        _host.PressButton();
        Assert.Equal(HttpStatusCode.OK, (await PairAsync("local/" + new string('x', 40))).Status);
    }

    [Fact]
    public async Task Options_can_preconfigure_a_token_and_open_the_window_at_start()
    {
        const string token = "00112233445566778899AABBCCDDEEFF";
        await using var host = await TestSimulator.StartAsync(new SimulatorOptions { Token = token, ButtonPressed = true, TimeProvider = _time });
        using var client = SimulatorClients.V2(host, token);
        using var measurement = await client.GetAsync("api/measurement");
        using var pairing = await client.PostAsJsonAsync("api/user", new { name = "local/edge" });

        Assert.Equal(HttpStatusCode.OK, measurement.StatusCode);
        Assert.Equal(HttpStatusCode.OK, pairing.StatusCode);
    }

    [Fact]
    public async Task CreatePairedToken_gives_a_working_token_without_the_button()
    {
        var token = _host.CreatePairedToken("local/test-harness");

        Assert.Matches("^[0-9A-F]{32}$", token);
        Assert.Equal(HttpStatusCode.OK, await MeasurementStatusAsync(token));
        Assert.Equal(HttpStatusCode.Forbidden, (await PairAsync("local/other")).Status);
    }
}
