using System.Net;
using System.Net.Http.Json;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.TestInfrastructure;
using static Microsoft.Playwright.Assertions;

namespace P1Telemetry.Dashboard.Tests;

/// <summary>The plain-HTTP listener on 127.0.0.1 (DASHBOARD_LOOPBACK_HTTP_PORT): the browser's, and nobody else's.</summary>
[Collection(DashboardGroup.Name)]
public sealed class LoopbackListenerTests(DashboardServer dashboard)
{
    [Fact]
    public async Task Ingest_and_bearer_tokens_are_refused_with_a_problem()
    {
        using var client = new HttpClient { BaseAddress = dashboard.LoopbackAddress };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", DashboardServer.TokenA);
        var sample = new Sample
        {
            DeviceId = DashboardServer.HomeA,
            Ts = DateTimeOffset.UtcNow,
            PowerW = 500,
            ImportPowerW = 500,
            EnergyImportKwh = 1,
            EnergyExportKwh = 0,
        };

        using var ingest = await client.PostAsJsonAsync("/v1/ingest", new IngestRequest { Samples = [sample] }, WireJsonContext.Default.IngestRequest);
        using var read = await client.GetAsync($"/v1/realtime?device_id={DashboardServer.HomeA}");
        client.DefaultRequestHeaders.Authorization = null;
        using var anonymousIngest = await client.PostAsJsonAsync("/v1/ingest", new IngestRequest { Samples = [sample] }, WireJsonContext.Default.IngestRequest);

        foreach (var response in new[] { ingest, read, anonymousIngest })
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        // The same token over HTTPS still reads.
        using var https = dashboard.Client(DashboardServer.TokenA);
        Assert.True((await https.GetAsync($"/v1/realtime?device_id={DashboardServer.HomeA}")).IsSuccessStatusCode);
    }

    [Fact]
    public async Task A_browser_signs_in_there_and_sees_its_home()
    {
        var page = await dashboard.SignedInPageAsync("en-BE", baseAddress: dashboard.LoopbackAddress);

        await Expect(page.GetByTestId("quarter-average")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"\d"));
        var cookie = Assert.Single(await page.Context.CookiesAsync(), c => c.Name == "p1_session");
        Assert.True(cookie.HttpOnly);
        Assert.False(cookie.Secure);
        Assert.Equal(Microsoft.Playwright.SameSiteAttribute.Strict, cookie.SameSite);
        // A state-changing request of the session still needs the antiforgery token.
        // (Through the context's request API, which carries its cookies: the page would log the refusal as an error.)
        var refused = await page.Context.APIRequest.PostAsync("/logout");
        Assert.Equal(403, refused.Status);
    }

    [Fact]
    public async Task Over_https_the_session_cookie_stays_secure()
    {
        using var client = new HttpClient(dashboard.Certificates.CreateTrustingHandler()) { BaseAddress = dashboard.Server.BaseAddress };

        using var response = await client.PostAsJsonAsync("/login", new { username = DashboardServer.Username, password = DashboardServer.Password });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("p1_session=", StringComparison.Ordinal));
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_listener_is_not_reachable_on_an_address_other_than_loopback()
    {
        var addresses = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .Where(a => !IPAddress.IsLoopback(a) && a.AddressFamily == AddressFamily.InterNetwork)
            .ToList();
        Assert.True(addresses.Count > 0, "this machine has no non-loopback IPv4 address to try the listener on");
        using var loopback = new TcpClient();
        await loopback.ConnectAsync(IPAddress.Loopback, dashboard.LoopbackAddress.Port);

        foreach (var address in addresses)
        {
            using var client = new TcpClient();
            await Assert.ThrowsAnyAsync<SocketException>(() => client.ConnectAsync(address, dashboard.LoopbackAddress.Port));
        }
    }

    [Theory]
    [InlineData("http")]
    [InlineData("0")]
    [InlineData("70000")]
    public async Task A_bad_port_stops_the_server_at_start_naming_the_variable(string value)
    {
        var environment = new Dictionary<string, string?>(dashboard.Environment)
        {
            ["DATA_DIR"] = TestRunDirectory.CreateSubdirectory("loopback-bad-port"),
            ["DASHBOARD_LOOPBACK_HTTP_PORT"] = value,
        };
        await using var server = ServerProcess.Start(environment);

        Assert.NotEqual(0, await server.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("DASHBOARD_LOOPBACK_HTTP_PORT", server.StandardError + server.StandardOutput, StringComparison.Ordinal);
    }
}
