using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using P1Telemetry.Server.Auth;

namespace P1Telemetry.Server.Accounts;

public static class SessionEndpoints
{
    /// <summary><c>GET /v1/session</c>: who is signed in, and the antiforgery token for state-changing requests.</summary>
    public static RouteGroupBuilder MapSession(this RouteGroupBuilder group)
    {
        group.MapGet("/session", GetAsync)
            .WithName("GetSession")
            .WithSummary("The signed-in user, its devices and the antiforgery token for the X-CSRF-TOKEN header")
            .Produces<SessionResponse>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return group;
    }

    internal static async Task<Results<JsonHttpResult<SessionResponse>, ProblemHttpResult>> GetAsync(
        HttpContext context, UserStore users, IAntiforgery antiforgery, CancellationToken cancellationToken)
    {
        if (BrowserSignIn.RequireHttps(context) is { } insecure)
        {
            return insecure;
        }

        if (context.User.GetUserId() is not { } userId)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                detail: "A device token has no user session.");
        }

        return TypedResults.Json(await DescribeAsync(context, userId, users, antiforgery, cancellationToken), AccountsJsonContext.Default.SessionResponse);
    }

    internal static async Task<SessionResponse> DescribeAsync(
        HttpContext context, long userId, UserStore users, IAntiforgery antiforgery, CancellationToken cancellationToken)
    {
        var grants = await users.ListGrantsAsync(userId, cancellationToken);
        var tokens = antiforgery.GetAndStoreTokens(context);
        return new SessionResponse
        {
            Username = context.User.FindFirst(DeviceClaims.Username)?.Value ?? string.Empty,
            Admin = context.User.IsAdmin(),
            Devices = [.. grants.Select(g => new SessionGrant(g.DeviceId, g.Role))],
            AntiforgeryToken = tokens.RequestToken!,
            AntiforgeryHeader = tokens.HeaderName!,
        };
    }
}
