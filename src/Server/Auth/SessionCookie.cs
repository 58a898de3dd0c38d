using Microsoft.AspNetCore.Authentication.Cookies;
using P1Telemetry.Server.Accounts;

namespace P1Telemetry.Server.Auth;

/// <summary>The browser session: an HttpOnly, Secure, SameSite=Strict cookie, checked against the user on every request.</summary>
public static class SessionCookie
{
    public const string Name = "p1_session";

    /// <summary>
    /// Secure whenever the request is HTTPS. A session is only ever started over HTTPS or on the loopback
    /// listener (<see cref="BrowserSignIn.RequireHttps"/>), so a cookie without Secure is set only there: for
    /// host 127.0.0.1, which a browser sends it to over loopback alone, never over a network. It stays HttpOnly
    /// and SameSite=Strict, so neither a script nor another site can use it.
    /// </summary>
    public const CookieSecurePolicy SecurePolicy = CookieSecurePolicy.SameAsRequest;

    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    public static void Configure(CookieAuthenticationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Cookie.Name = Name;
        options.Cookie.HttpOnly = true;
        options.Cookie.SecurePolicy = SecurePolicy;
        options.Cookie.SameSite = SameSiteMode.Strict;
        options.Cookie.Path = "/";
        options.ExpireTimeSpan = Lifetime;
        options.SlidingExpiration = true;
        options.Events = new CookieAuthenticationEvents
        {
            // An API never redirects to a login page: the challenge and forbid answers are problem+json.
            OnRedirectToLogin = context =>
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return Task.CompletedTask;
            },
            OnRedirectToAccessDenied = context =>
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            },
            OnValidatePrincipal = ValidateAsync,
        };
    }

    /// <summary>A session of a deleted user, or one started before the user's security stamp changed, is refused.</summary>
    private static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        var users = context.HttpContext.RequestServices.GetRequiredService<UserStore>();
        var user = principal?.GetUserId() is { } id ? await users.FindByIdAsync(id, context.HttpContext.RequestAborted) : null;
        if (user is null || !string.Equals(user.SecurityStamp, principal!.FindFirst(DeviceClaims.SecurityStamp)?.Value, StringComparison.Ordinal))
        {
            context.RejectPrincipal();
            return;
        }

        if (user.IsAdmin != principal.IsAdmin())
        {
            context.ReplacePrincipal(new System.Security.Claims.ClaimsPrincipal(DeviceClaims.UserIdentity(
                user.Id, user.Username, user.IsAdmin, user.SecurityStamp, CookieAuthenticationDefaults.AuthenticationScheme)));
            context.ShouldRenew = true;
        }
    }
}
