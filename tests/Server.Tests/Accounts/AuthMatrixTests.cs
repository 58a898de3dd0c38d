using P1Telemetry.Server.Tests.Support;

namespace P1Telemetry.Server.Tests.Accounts;

/// <summary>
/// Every /v1 endpoint against every kind of caller: device tokens (own device, another, configured), user
/// API tokens (owner, viewer, no grant, admin, revoked), browser sessions (owner, viewer, without the
/// antiforgery header, expired, forged) and no credentials. 401 without valid credentials, 403 otherwise.
/// </summary>
public abstract class AuthMatrixTests : IAsyncLifetime
{
    private const string A = AccountsServer.HomeA;

    // Endpoint names, in the order of the expectation strings below.
    private static readonly string[] Endpoints =
    [
        "realtime", "capacity-month", "capacity-year", "series", "export", "devices", "settings-get", "settings-put", "ingest", "me", "session",
    ];

    protected AccountsServer Server { get; private set; } = null!;

    public abstract Task InitializeAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();

    protected async Task StartAsync(string? databaseUrl) => Server = await AccountsServer.StartAsync(databaseUrl);

    [Fact]
    public async Task Every_endpoint_answers_every_caller_as_its_rights_allow()
    {
        var olivia = await Server.SignInAsync("olivia");
        var victor = await Server.SignInAsync("victor");
        var expired = await Server.ExpiredSessionCookieAsync("olivia");
        var forged = Forge(olivia.Cookie);
        var revoked = (await Server.CliJsonAsync(null, "users", "token", "stranger", "--label", "old")).GetProperty("token").GetString()!;
        await Server.CliJsonAsync(null, "users", "revoke", "stranger", "old");

        // realtime, capacity-month, capacity-year, series, export, devices, settings-get, settings-put, ingest, me, session
        var callers = new (string Name, Caller Caller, int[] Expected)[]
        {
            ("no credentials", new Caller(), [401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401]),
            ("device token, own device", new Caller(Bearer: Server.HomeAToken), [200, 200, 200, 200, 200, 200, 403, 403, 200, 200, 403]),
            ("device token, other device", new Caller(Bearer: Server.HomeBToken), [403, 403, 403, 403, 403, 200, 403, 403, 403, 200, 403]),
            ("DEVICE_TOKENS token, other device", new Caller(Bearer: ServerFactory.Token1), [403, 403, 403, 403, 403, 200, 403, 403, 403, 200, 403]),
            ("invalid bearer token", new Caller(Bearer: "p1d_not-a-token"), [401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401]),
            ("user token, owner", new Caller(Bearer: Server.UserTokens["olivia"]), [200, 200, 200, 200, 200, 200, 200, 200, 403, 403, 200]),
            ("user token, viewer", new Caller(Bearer: Server.UserTokens["victor"]), [200, 200, 200, 200, 200, 200, 403, 403, 403, 403, 200]),
            ("user token, no grant", new Caller(Bearer: Server.UserTokens["stranger"]), [403, 403, 403, 403, 403, 200, 403, 403, 403, 403, 200]),
            ("user token, admin", new Caller(Bearer: Server.UserTokens["admin"]), [200, 200, 200, 200, 200, 200, 200, 200, 403, 403, 200]),
            ("user token, revoked", new Caller(Bearer: revoked), [401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401]),
            ("session, owner", new Caller(Cookie: olivia.Cookie, Antiforgery: olivia.AntiforgeryToken), [200, 200, 200, 200, 200, 200, 200, 200, 403, 403, 200]),
            ("session, owner, no antiforgery header", new Caller(Cookie: olivia.Cookie), [200, 200, 200, 200, 200, 200, 200, 403, 403, 403, 200]),
            ("session, owner, another session's antiforgery token", new Caller(Cookie: olivia.Cookie, Antiforgery: victor.AntiforgeryToken), [200, 200, 200, 200, 200, 200, 200, 403, 403, 403, 200]),
            ("session, viewer", new Caller(Cookie: victor.Cookie, Antiforgery: victor.AntiforgeryToken), [200, 200, 200, 200, 200, 200, 403, 403, 403, 403, 200]),
            ("session, expired", new Caller(Cookie: expired, Antiforgery: olivia.AntiforgeryToken), [401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401]),
            ("session, forged", new Caller(Cookie: forged, Antiforgery: olivia.AntiforgeryToken), [401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401]),
        };

        var mismatches = new List<string>();
        using var client = Server.Client();
        foreach (var (name, caller, expected) in callers)
        {
            for (var i = 0; i < Endpoints.Length; i++)
            {
                using var request = Build(Endpoints[i], caller);
                using var response = await client.SendAsync(request);
                var status = (int)response.StatusCode;
                if (status != expected[i])
                {
                    mismatches.Add($"{name} × {Endpoints[i]}: expected {expected[i]}, got {status} {await response.Content.ReadAsStringAsync()}");
                }
                else if (status >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                {
                    mismatches.Add($"{name} × {Endpoints[i]}: {status} without problem+json");
                }
            }
        }

        Assert.True(mismatches.Count == 0, string.Join('\n', mismatches));
    }

    [Fact]
    public async Task The_device_list_shows_what_each_caller_may_read()
    {
        async Task<string[]> ListAsync(string token)
        {
            using var client = Server.Client(token);
            var body = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync("/v1/devices")).RootElement;
            return [.. body.GetProperty("devices").EnumerateArray().Select(d => d.GetProperty("device_id").GetString()!)];
        }

        Assert.Equal([A], await ListAsync(Server.UserTokens["olivia"]));
        Assert.Equal([A], await ListAsync(Server.UserTokens["victor"]));
        Assert.Empty(await ListAsync(Server.UserTokens["stranger"]));
        Assert.Equal([A, AccountsServer.HomeB, ServerFactory.Device1, ServerFactory.Device2], await ListAsync(Server.UserTokens["admin"]));
        Assert.Equal([AccountsServer.HomeB], await ListAsync(Server.HomeBToken));
    }

    private static HttpRequestMessage Build(string endpoint, Caller caller)
    {
        var (method, path, content) = endpoint switch
        {
            "realtime" => (HttpMethod.Get, $"/v1/realtime?device_id={A}", null),
            "capacity-month" => (HttpMethod.Get, $"/v1/capacity/month/2026-03?device_id={A}", null),
            "capacity-year" => (HttpMethod.Get, $"/v1/capacity/year/2026?device_id={A}", null),
            "series" => (HttpMethod.Get, $"/v1/series?frame=day&date=2026-03-01&bucket=hour&device_id={A}", null),
            "export" => (HttpMethod.Get, $"/v1/export?from=2026-03-01&to=2026-03-02&device_id={A}", null),
            "devices" => (HttpMethod.Get, "/v1/devices", null),
            "settings-get" => (HttpMethod.Get, $"/v1/devices/{A}/settings", null),
            "settings-put" => (HttpMethod.Put, $"/v1/devices/{A}/settings", AccountsServer.Json(new { goal_peak_w = 5000 })),
            "ingest" => (HttpMethod.Post, "/v1/ingest", IngestRequests.Json([Samples.At(A, Samples.Start.AddHours(1.9), 800, 2000)])),
            "me" => (HttpMethod.Get, "/v1/me", null),
            "session" => (HttpMethod.Get, "/v1/session", (HttpContent?)null),
            _ => throw new ArgumentOutOfRangeException(nameof(endpoint)),
        };
        var request = AccountsServer.Request(method, path, caller.Cookie, caller.Antiforgery, content);
        if (caller.Bearer is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", caller.Bearer);
        }

        return request;
    }

    /// <summary>The session cookie with its protected payload altered: what a forger without the key ring can do.</summary>
    private static string Forge(string cookies)
    {
        var session = cookies.Split("; ").First(c => c.StartsWith(Auth.SessionCookie.Name + "=", StringComparison.Ordinal));
        var value = session[(Auth.SessionCookie.Name.Length + 1)..].ToCharArray();
        var middle = value.Length / 2;
        value[middle] = value[middle] == 'A' ? 'B' : 'A';
        return cookies.Replace(session, $"{Auth.SessionCookie.Name}={new string(value)}", StringComparison.Ordinal);
    }

    private sealed record Caller(string? Bearer = null, string? Cookie = null, string? Antiforgery = null);
}

public sealed class SqliteAuthMatrixTests : AuthMatrixTests
{
    public override Task InitializeAsync() => StartAsync(null);
}

[Collection(PostgresTests.Name)]
public sealed class PostgresAuthMatrixTests(PostgresClusterFixture cluster) : AuthMatrixTests
{
    public override async Task InitializeAsync() => await StartAsync(await cluster.Instance.CreateDatabaseAsync("matrix"));
}
