using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.HttpResults;
using P1Telemetry.Server.Dashboard;

namespace P1Telemetry.Server.Auth;

/// <summary>Antiforgery for cookie-authenticated requests and the per-IP rate limit of sign-in.</summary>
public static class BrowserSignIn
{
    public const string SignInRateLimit = "sign-in";

    /// <summary>Sign-in attempts one client IP may make per minute (on each replica).</summary>
    public const int SignInsPerIpPerMinute = 20;

    public const string AntiforgeryHeader = "X-CSRF-TOKEN";

    public static IServiceCollection AddBrowserSignIn(this IServiceCollection services)
    {
        services.AddAntiforgery(o =>
        {
            o.HeaderName = AntiforgeryHeader;
            o.FormFieldName = "__RequestVerificationToken";
            o.Cookie.Name = "p1_antiforgery";
            o.Cookie.HttpOnly = true;
            o.Cookie.SecurePolicy = SessionCookie.SecurePolicy;
            o.Cookie.SameSite = SameSiteMode.Strict;
        });
        services.AddRateLimiter(o =>
        {
            o.AddPolicy(SignInRateLimit, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = SignInsPerIpPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
            o.OnRejected = async (rejected, cancellationToken) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
                await TooManyAttempts(rejected.HttpContext, retryAfter);
            };
        });
        return services;
    }

    /// <summary>429 with <c>Retry-After</c> in whole seconds.</summary>
    public static async Task TooManyAttempts(HttpContext context, TimeSpan retryAfter)
    {
        ArgumentNullException.ThrowIfNull(context);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many sign-in attempts",
            detail: $"Try again in {seconds} seconds.").ExecuteAsync(context);
    }

    /// <summary>
    /// Every state-changing request that a session cookie authenticated must carry the antiforgery token
    /// (header <see cref="AntiforgeryHeader"/>, from <c>GET /v1/session</c>); bearer-token requests need none.
    /// </summary>
    public static IApplicationBuilder UseSessionAntiforgery(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var method = context.Request.Method;
            var safe = HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method);
            if (!safe && context.User.Identity is { IsAuthenticated: true, AuthenticationType: CookieAuthenticationDefaults.AuthenticationScheme })
            {
                var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
                if (!IsSecureChannel(context) || !await antiforgery.IsRequestValidAsync(context))
                {
                    await AntiforgeryRefused(context);
                    return;
                }
            }

            await next(context);
        });

    /// <summary>
    /// Sessions exist only over HTTPS (their cookies are Secure) or on the loopback listener. Behind a reverse
    /// proxy that terminates TLS, set TRUST_FORWARDED_HEADERS so that the proxy's X-Forwarded-Proto counts.
    /// </summary>
    public static ProblemHttpResult? RequireHttps(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return IsSecureChannel(context) ? null : TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "HTTPS required",
            detail: "Sign-in and sessions work only over HTTPS (behind a TLS-terminating proxy, set TRUST_FORWARDED_HEADERS=true).");
    }

    /// <summary>HTTPS, or the loopback listener, whose traffic never leaves the machine.</summary>
    public static bool IsSecureChannel(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Request.IsHttps || LoopbackListener.IsLoopbackListener(context);
    }

    public static Task AntiforgeryRefused(HttpContext context) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Missing or invalid antiforgery token",
            detail: $"A signed-in browser must send the token of GET /v1/session in the {AntiforgeryHeader} header.").ExecuteAsync(context);
}
