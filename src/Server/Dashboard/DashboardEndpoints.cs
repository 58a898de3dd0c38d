using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Net.Http.Headers;

namespace P1Telemetry.Server.Dashboard;

public static class DashboardEndpoints
{
    // Everything the page loads comes from this server; uPlot sets element styles at runtime.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary><c>GET /</c>: the dashboard; <c>GET /app/...</c>: its scripts, styles, translations and vendored chart library.</summary>
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/", (HttpContext context, DashboardAssets assets) => Serve(context, assets.Find("index.html")))
            .AllowAnonymous()
            .ExcludeFromDescription();
        // Whether a session cookie is present and valid, without the 401 that GET /v1/session answers a
        // visitor (which a browser reports as an error on every first visit).
        endpoints.MapGet("/app/state", (HttpContext context) => TypedResults.Json(
                new DashboardState(context.User.Identity is { IsAuthenticated: true, AuthenticationType: CookieAuthenticationDefaults.AuthenticationScheme }),
                DashboardJsonContext.Default.DashboardState))
            .AllowAnonymous()
            .ExcludeFromDescription();
        endpoints.MapGet("/app/{**path}", (string path, HttpContext context, DashboardAssets assets) => Serve(context, assets.Find(path)))
            .AllowAnonymous()
            .ExcludeFromDescription();
        return endpoints;
    }

    private static IResult Serve(HttpContext context, DashboardAsset? asset)
    {
        if (asset is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found",
                detail: "The dashboard has no such file.");
        }

        var headers = context.Response.Headers;
        headers.ETag = asset.ETag;
        // Revalidated on every load: a server upgrade must never pair an old script with a new API.
        headers.CacheControl = "no-cache";
        headers.Vary = HeaderNames.AcceptEncoding;
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers["Referrer-Policy"] = "same-origin";
        if (context.Request.Headers.IfNoneMatch.ToString() == asset.ETag)
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        var accepted = context.Request.Headers.AcceptEncoding.ToString();
        if (asset.Brotli is not null && accepted.Contains("br", StringComparison.OrdinalIgnoreCase))
        {
            headers.ContentEncoding = "br";
            return TypedResults.Bytes(asset.Brotli, asset.ContentType);
        }

        if (asset.Gzip is not null && accepted.Contains("gzip", StringComparison.OrdinalIgnoreCase))
        {
            headers.ContentEncoding = "gzip";
            return TypedResults.Bytes(asset.Gzip, asset.ContentType);
        }

        return TypedResults.Bytes(asset.Raw, asset.ContentType);
    }
}

/// <summary>The answer of <c>GET /app/state</c>.</summary>
public sealed record DashboardState([property: JsonPropertyName("signed_in")] bool SignedIn);

[JsonSerializable(typeof(DashboardState))]
internal sealed partial class DashboardJsonContext : JsonSerializerContext;
