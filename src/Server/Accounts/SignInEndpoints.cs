using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.HttpResults;
using P1Telemetry.Server.Auth;

namespace P1Telemetry.Server.Accounts;

public static class SignInEndpoints
{
    private const int MaxBodyBytes = 16 * 1024;

    /// <summary><c>POST /login</c>, <c>POST /logout</c> and <c>GET /antiforgery</c> for browsers.</summary>
    public static IEndpointRouteBuilder MapSignIn(this IEndpointRouteBuilder app)
    {
        app.MapPost("/login", SignInAsync)
            .RequireRateLimiting(BrowserSignIn.SignInRateLimit)
            .AllowAnonymous()
            .DisableAntiforgery()
            .WithName("Login")
            .WithSummary("Sign in with username and password (form fields or JSON); sets the session cookie")
            .WithDescription("A form post must carry the antiforgery token of GET /antiforgery. Wrong credentials and unknown " +
                "users answer the same 401; repeated failures lock the username for a while (429 with Retry-After).")
            .Accepts<SignInRequest>("application/json", "application/x-www-form-urlencoded")
            .Produces<SessionResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        app.MapPost("/logout", SignOutAsync)
            .AllowAnonymous()
            .DisableAntiforgery()
            .WithName("Logout")
            .WithSummary("End the browser session (needs the antiforgery header)")
            .Produces(StatusCodes.Status204NoContent);

        app.MapGet("/antiforgery", Results<JsonHttpResult<AntiforgeryResponse>, ProblemHttpResult> (HttpContext context, IAntiforgery antiforgery) =>
            {
                if (BrowserSignIn.RequireHttps(context) is { } insecure)
                {
                    return insecure;
                }

                var tokens = antiforgery.GetAndStoreTokens(context);
                return TypedResults.Json(new AntiforgeryResponse(tokens.RequestToken!, tokens.HeaderName!, tokens.FormFieldName),
                    AccountsJsonContext.Default.AntiforgeryResponse);
            })
            .AllowAnonymous()
            .WithName("GetAntiforgeryToken")
            .WithSummary("An antiforgery token (and its cookie) for the sign-in form");
        return app;
    }

    internal static async Task<Results<JsonHttpResult<SessionResponse>, ProblemHttpResult>> SignInAsync(
        HttpContext context, SignInService signIn, UserStore users, IAntiforgery antiforgery, CancellationToken cancellationToken)
    {
        if (BrowserSignIn.RequireHttps(context) is { } insecure)
        {
            return insecure;
        }

        string? username, password;
        if (context.Request.HasFormContentType)
        {
            // A form can be posted from any site: only one that carries our antiforgery token counts.
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Missing or invalid antiforgery token",
                    detail: "Post the sign-in form with the token of GET /antiforgery in __RequestVerificationToken.");
            }

            var form = await context.Request.ReadFormAsync(cancellationToken);
            (username, password) = (form["username"].ToString(), form["password"].ToString());
        }
        else if (context.Request.HasJsonContentType())
        {
            if (context.Request.ContentLength > MaxBodyBytes)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Body too large",
                    detail: $"A sign-in body has at most {MaxBodyBytes} bytes.");
            }

            try
            {
                var request = await JsonSerializer.DeserializeAsync(context.Request.Body, AccountsJsonContext.Default.SignInRequest, cancellationToken);
                (username, password) = (request?.Username, request?.Password);
            }
            catch (JsonException)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Malformed JSON",
                    detail: "Send {\"username\":\"...\",\"password\":\"...\"}.");
            }
        }
        else
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unsupported content type",
                detail: "Send the form fields username and password, or JSON.");
        }

        if (string.IsNullOrEmpty(username) || string.IsNullOrEmpty(password)
            || username.Length > SignInService.MaxUsernameLength || password.Length > SignInService.MaxPasswordLength)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Missing username or password",
                detail: $"username (at most {SignInService.MaxUsernameLength} characters) and password (at most {SignInService.MaxPasswordLength}) are required.");
        }

        var result = await signIn.SignInAsync(username, password, cancellationToken);
        if (result.RetryAfter is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many sign-in attempts",
                detail: "This username is locked for a while after repeated failures.");
        }

        if (result.User is not { } user)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed",
                detail: "The username or the password is wrong.");
        }

        var principal = new ClaimsPrincipal(DeviceClaims.UserIdentity(
            user.Id, user.Username, user.IsAdmin, user.SecurityStamp, CookieAuthenticationDefaults.AuthenticationScheme));
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal);
        context.User = principal;
        return TypedResults.Json(await SessionEndpoints.DescribeAsync(context, user.Id, users, antiforgery, cancellationToken),
            AccountsJsonContext.Default.SessionResponse);
    }

    internal static async Task<NoContent> SignOutAsync(HttpContext context, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return TypedResults.NoContent();
    }
}
