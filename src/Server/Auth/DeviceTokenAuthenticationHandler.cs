using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using P1Telemetry.Server.Diagnostics;

namespace P1Telemetry.Server.Auth;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;token&gt;</c> against <c>DEVICE_TOKENS</c>. Failures answer
/// problem+json: 401 with <c>WWW-Authenticate: Bearer</c>, 403 for another device's data.
/// </summary>
public sealed class DeviceTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    TokenAuthenticator tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "DeviceToken";
    private const string BearerPrefix = "Bearer ";
    private const int MaxTokenLength = 512;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization;
        if (header.Count == 0 || string.IsNullOrEmpty(header[0]))
        {
            return AuthenticateResult.NoResult();
        }

        if (header.Count > 1)
        {
            return AuthenticateResult.Fail("Send exactly one Authorization header.");
        }

        var value = header[0]!;
        if (!value.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.Fail("The Authorization header must be 'Bearer <token>'.");
        }

        var token = value.AsSpan(BearerPrefix.Length).Trim();
        var identity = token.IsEmpty || token.Length > MaxTokenLength
            ? null
            : await tokens.AuthenticateAsync(token.ToString(), SchemeName, Context.RequestAborted);
        if (identity is null)
        {
            return AuthenticateResult.Fail("The bearer token is not valid.");
        }

        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        var detail = result.Failure?.Message ?? "Send 'Authorization: Bearer <token>' with a device or API token, or sign in.";
        Log.AuthenticationFailed(Logger, Request.Path, detail);

        Response.Headers.WWWAuthenticate = result.Failure is null ? "Bearer" : "Bearer error=\"invalid_token\"";
        await TypedResults.Problem(
            statusCode: StatusCodes.Status401Unauthorized,
            title: result.Failure is null ? "Missing bearer token" : "Invalid bearer token",
            detail: detail).ExecuteAsync(Context);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        await TypedResults.Problem(
            statusCode: StatusCodes.Status403Forbidden,
            title: "Forbidden",
            detail: "These credentials do not give access to this resource.").ExecuteAsync(Context);
    }
}
