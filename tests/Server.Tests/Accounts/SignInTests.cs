using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using P1Telemetry.Server.Accounts;
using P1Telemetry.Server.Tests.Support;

namespace P1Telemetry.Server.Tests.Accounts;

/// <summary>Browser sign-in: cookie flags, no user enumeration, lockout and its reset, rate limit, antiforgery, rehash.</summary>
public abstract class SignInTests : IAsyncLifetime
{
    protected AccountsServer Server { get; private set; } = null!;

    public abstract Task InitializeAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();

    protected async Task StartAsync(string? databaseUrl) => Server = await AccountsServer.StartAsync(databaseUrl);

    [Fact]
    public async Task Sign_in_sets_an_httponly_secure_samesite_session_that_reads_the_granted_device()
    {
        var session = await Server.SignInAsync("olivia");

        var cookie = Assert.Single(session.SetCookieHeaders, h => h.StartsWith(Auth.SessionCookie.Name + "=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);

        using var client = Server.Client();
        using var response = await client.SendAsync(AccountsServer.Request(HttpMethod.Get, "/v1/session", session.Cookie));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("olivia", body.GetProperty("username").GetString());
        Assert.Equal(AccountsServer.HomeA, body.GetProperty("devices")[0].GetProperty("device_id").GetString());
        Assert.Equal("owner", body.GetProperty("devices")[0].GetProperty("role").GetString());
    }

    [Fact]
    public async Task Unknown_user_and_wrong_password_answer_exactly_alike()
    {
        using var client = Server.Client();
        using var wrong = await client.PostAsync("/login", AccountsServer.Json(new { username = "olivia", password = "not it at all" }));
        using var unknown = await client.PostAsync("/login", AccountsServer.Json(new { username = "nobody-here", password = "not it at all" }));

        var a = await wrong.ReadProblemAsync(401);
        var b = await unknown.ReadProblemAsync(401);
        Assert.Equal(a.GetProperty("title").GetString(), b.GetProperty("title").GetString());
        Assert.Equal(a.GetProperty("detail").GetString(), b.GetProperty("detail").GetString());
        Assert.False(wrong.Headers.Contains("Set-Cookie") && wrong.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith(Auth.SessionCookie.Name, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Five_failures_lock_the_username_until_the_lock_passes_and_a_success_resets_the_count()
    {
        using var client = Server.Client();
        async Task<HttpResponseMessage> AttemptAsync(string username, string password) =>
            await client.PostAsync("/login", AccountsServer.Json(new { username, password }));

        // Failures before a success are forgotten by it.
        for (var i = 0; i < 4; i++)
        {
            (await AttemptAsync("olivia", "wrong")).Dispose();
        }

        (await Server.SignInAsync("olivia")).ToString();
        for (var i = 0; i < 4; i++)
        {
            using var failure = await AttemptAsync("olivia", "wrong");
            await failure.ReadProblemAsync(401);
        }

        // The fifth failure locks: it is answered as such.
        using (var fifth = await AttemptAsync("olivia", "wrong"))
        {
            await fifth.ReadProblemAsync(429);
        }

        // Locked: even the right password is refused, with Retry-After.
        using (var locked = await AttemptAsync("olivia", AccountsServer.Password))
        {
            await locked.ReadProblemAsync(429);
            var retryAfter = int.Parse(locked.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(retryAfter, 1, (int)SignInThrottle.LockDuration.TotalSeconds);
        }

        // An unknown username locks the same way: the lockout reveals nothing about which users exist.
        for (var i = 0; i < 5; i++)
        {
            (await AttemptAsync("ghost", "wrong")).Dispose();
        }

        using (var ghost = await AttemptAsync("ghost", "wrong"))
        {
            await ghost.ReadProblemAsync(429);
        }

        Server.Factory.Clock.Advance(SignInThrottle.LockDuration + TimeSpan.FromSeconds(1));
        using var after = await AttemptAsync("olivia", AccountsServer.Password);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task Sign_in_is_rate_limited_per_client_address()
    {
        using var client = Server.Client();
        HttpResponseMessage? last = null;
        for (var i = 0; i <= Auth.BrowserSignIn.SignInsPerIpPerMinute; i++)
        {
            last?.Dispose();
            // Different usernames: only the per-address limit can refuse these.
            last = await client.PostAsync("/login", AccountsServer.Json(new { username = $"user{i}", password = "wrong" }));
        }

        using (last)
        {
            Assert.NotNull(last);
            await last.ReadProblemAsync(429);
            Assert.True(int.Parse(last.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        }
    }

    [Fact]
    public async Task A_form_sign_in_needs_the_antiforgery_token()
    {
        using var client = Server.Client();
        using var without = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = "olivia",
            ["password"] = AccountsServer.Password,
        }));
        await without.ReadProblemAsync(400);

        using var tokenResponse = await client.GetAsync("/antiforgery");
        var token = JsonDocument.Parse(await tokenResponse.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString()!;
        var cookie = tokenResponse.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        using var request = AccountsServer.Request(HttpMethod.Post, "/login", cookie, null, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = "olivia",
            ["password"] = AccountsServer.Password,
            ["__RequestVerificationToken"] = token,
        }));
        using var with = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, with.StatusCode);
    }

    [Fact]
    public async Task Logout_needs_the_antiforgery_header_and_clears_the_session()
    {
        var session = await Server.SignInAsync("olivia");
        using var client = Server.Client();

        using (var forged = await client.SendAsync(AccountsServer.Request(HttpMethod.Post, "/logout", session.Cookie)))
        {
            await forged.ReadProblemAsync(403);
        }

        using var logout = await client.SendAsync(AccountsServer.Request(HttpMethod.Post, "/logout", session.Cookie, session.AntiforgeryToken));
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        var cleared = logout.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(Auth.SessionCookie.Name, StringComparison.Ordinal));
        Assert.Contains("expires=Thu, 01 Jan 1970", cleared, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Passwords_are_stored_as_PasswordHasher_hashes_and_an_outdated_hash_is_upgraded_at_sign_in()
    {
        var users = Server.Services.GetRequiredService<UserStore>();
        var olivia = (await users.FindAsync("olivia", default))!;
        Assert.DoesNotContain(AccountsServer.Password, olivia.PasswordHash, StringComparison.Ordinal);
        Assert.Equal(0x01, Convert.FromBase64String(olivia.PasswordHash)[0]); // the current (v3) format

        // A hash made with fewer iterations than today's default, as an older release would have stored it.
        var weak = new PasswordHasher<UserRecord>(Options.Create(new PasswordHasherOptions { IterationCount = 1000 }))
            .HashPassword(olivia, AccountsServer.Password);
        await users.UpdatePasswordHashAsync(olivia.Id, weak, default);

        await Server.SignInAsync("olivia");

        var rehashed = (await users.FindAsync("olivia", default))!.PasswordHash;
        Assert.NotEqual(weak, rehashed);
        var hasher = Server.Services.GetRequiredService<IPasswordHasher<UserRecord>>();
        Assert.Equal(PasswordVerificationResult.Success, hasher.VerifyHashedPassword(olivia, rehashed, AccountsServer.Password));
        await Server.SignInAsync("olivia");
    }

    [Fact]
    public async Task Sign_in_over_plain_http_is_refused_not_an_error()
    {
        using var client = Server.Factory.CreateClient();
        using var response = await client.PostAsync("/login", AccountsServer.Json(new { username = "olivia", password = AccountsServer.Password }));
        await response.ReadProblemAsync(400);
    }
}

public sealed class SqliteSignInTests : SignInTests
{
    public override Task InitializeAsync() => StartAsync(null);
}

[Collection(PostgresTests.Name)]
public sealed class PostgresSignInTests(PostgresClusterFixture cluster) : SignInTests
{
    public override async Task InitializeAsync() => await StartAsync(await cluster.Instance.CreateDatabaseAsync("signin"));
}
