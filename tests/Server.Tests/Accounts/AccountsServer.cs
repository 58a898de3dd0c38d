using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using P1Telemetry.Server.Accounts;
using P1Telemetry.Server.Accounts.Cli;
using P1Telemetry.Server.Storage.Migrations;
using P1Telemetry.Server.Tests.Support;

namespace P1Telemetry.Server.Tests.Accounts;

/// <summary>
/// The in-process server with homes, people and tokens made through the real <c>p1-server</c> commands:
/// home-a (owner: olivia, viewer: victor), home-b (no users), stranger without grants, admin.
/// </summary>
public sealed class AccountsServer : IAsyncDisposable
{
    public const string HomeA = "home-a";
    public const string HomeB = "home-b";
    public const string Password = "correct horse battery";

    private AccountsServer(ServerFactory factory) => Factory = factory;

    public ServerFactory Factory { get; }

    public IServiceProvider Services => Factory.Services;

    public string HomeAToken { get; private set; } = null!;

    public string HomeBToken { get; private set; } = null!;

    public Dictionary<string, string> UserTokens { get; } = [];

    /// <summary>A server on SQLite (no <paramref name="databaseUrl"/>) or on the PostgreSQL database named.</summary>
    public static async Task<AccountsServer> StartAsync(string? databaseUrl = null, bool seed = true)
    {
        var settings = new Dictionary<string, string?>();
        if (databaseUrl is not null)
        {
            settings["DATABASE_URL"] = databaseUrl;
        }

        var server = new AccountsServer(new ServerFactory(settings));
        await server.Services.GetRequiredService<ISchemaMigrator>().MigrateAsync(default);
        await server.RefreshAsync();
        if (seed)
        {
            await server.SeedAsync();
        }

        return server;
    }

    /// <summary>Reloads the device settings now instead of at the next refresh.</summary>
    public Task RefreshAsync() => Services.GetRequiredService<DeviceSettingsRefresher>().RefreshAsync(default);

    public async Task<(int ExitCode, string Output, string Error)> CliAsync(string? input, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await AccountsCommandLine.RunAsync(Services, args, new StringReader(input ?? string.Empty), output, error);
        return (code, output.ToString(), error.ToString());
    }

    public async Task<JsonElement> CliJsonAsync(string? input, params string[] args)
    {
        var (code, output, error) = await CliAsync(input, [.. args, "--json"]);
        Assert.True(code == 0, $"p1-server {string.Join(' ', args)} exited {code}: {error}");
        return JsonDocument.Parse(output).RootElement;
    }

    public HttpClient Client(string? bearer = null)
    {
        var client = Factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), HandleCookies = false });
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return client;
    }

    /// <summary>Signs in over JSON; returns the session cookie header value and the antiforgery cookie and token.</summary>
    public async Task<BrowserSession> SignInAsync(string username, string password = Password)
    {
        using var client = Client();
        using var response = await client.PostAsync("/login", Json(new { username, password }));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"sign-in of {username} answered {(int)response.StatusCode}: {body}");
        var cookies = response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).ToList();
        var token = JsonDocument.Parse(body).RootElement.GetProperty("antiforgery_token").GetString()!;
        return new BrowserSession(string.Join("; ", cookies), token, response.Headers.GetValues("Set-Cookie").ToList());
    }

    /// <summary>A session cookie the server itself signed, for a session that has expired.</summary>
    public async Task<string> ExpiredSessionCookieAsync(string username)
    {
        var user = (await Services.GetRequiredService<UserStore>().FindAsync(username, default))!;
        var options = Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(CookieAuthenticationDefaults.AuthenticationScheme);
        var now = Factory.Clock.GetUtcNow();
        var principal = new System.Security.Claims.ClaimsPrincipal(Auth.DeviceClaims.UserIdentity(
            user.Id, user.Username, user.IsAdmin, user.SecurityStamp, CookieAuthenticationDefaults.AuthenticationScheme));
        var ticket = new AuthenticationTicket(principal, new AuthenticationProperties
        {
            IssuedUtc = now - TimeSpan.FromHours(13),
            ExpiresUtc = now - TimeSpan.FromHours(1),
        }, CookieAuthenticationDefaults.AuthenticationScheme);
        return $"{Auth.SessionCookie.Name}={options.TicketDataFormat.Protect(ticket)}";
    }

    public static HttpContent Json(object value) =>
        new StringContent(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");

    public static HttpRequestMessage Request(HttpMethod method, string path, string? cookie = null, string? antiforgery = null, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        if (antiforgery is not null)
        {
            request.Headers.Add("X-CSRF-TOKEN", antiforgery);
        }

        return request;
    }

    public async ValueTask DisposeAsync()
    {
        Factory.Dispose();
        await Task.CompletedTask;
    }

    private async Task SeedAsync()
    {
        HomeAToken = (await CliJsonAsync(null, "devices", "add", HomeA, "--name", "Home A", "--grid-area", "Imewo")).GetProperty("token").GetString()!;
        HomeBToken = (await CliJsonAsync(null, "devices", "add", HomeB)).GetProperty("token").GetString()!;
        foreach (var (user, admin) in new[] { ("olivia", false), ("victor", false), ("stranger", false), ("admin", true) })
        {
            await CliJsonAsync(Password + "\n", admin ? ["users", "add", user, "--admin", "--password-stdin"] : ["users", "add", user, "--password-stdin"]);
            UserTokens[user] = (await CliJsonAsync(null, "users", "token", user, "--label", "scripts")).GetProperty("token").GetString()!;
        }

        await CliJsonAsync(null, "users", "grant", "olivia", HomeA, "--role", "owner");
        await CliJsonAsync(null, "users", "grant", "victor", HomeA);
        await RefreshAsync();

        using var device = Client(HomeAToken);
        await device.IngestAsync(Samples.Series(HomeA, Samples.Start, 600, TimeSpan.FromSeconds(10)));
    }
}

public sealed record BrowserSession(string Cookie, string AntiforgeryToken, IReadOnlyList<string> SetCookieHeaders);
