using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace P1Telemetry.Server.Diagnostics;

/// <summary>
/// Decides whether a request may read the metrics: with <c>METRICS_TOKEN</c> it must carry that bearer token
/// (compared as SHA-256 hashes in constant time); without, it must come from a loopback address. The address
/// is the one the forwarded-headers handling settled on, so behind a trusted proxy it is the proxy's client; a
/// forwarding header that is still present means a proxy on this host relayed a request from elsewhere.
/// </summary>
public sealed class MetricsAccess(IOptions<MetricsOptions> options)
{
    private const string BearerPrefix = "Bearer ";
    private readonly byte[]? _tokenHash = options.Value.TokenHash();

    /// <summary>Null when the request may read the metrics, else the problem to answer.</summary>
    public ProblemHttpResult? Check(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_tokenHash is not null)
        {
            return HasToken(context.Request) ? null : Unauthorized(context);
        }

        return IsLoopback(context) ? null : TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
            detail: "Metrics are served to loopback clients only; set METRICS_TOKEN to scrape them from elsewhere.");
    }

    private bool HasToken(HttpRequest request)
    {
        var header = request.Headers.Authorization;
        if (header.Count != 1 || header[0] is not { } value || !value.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(value[BearerPrefix.Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(presented, _tokenHash);
    }

    private static ProblemHttpResult Unauthorized(HttpContext context)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
            detail: "Send the metrics token (METRICS_TOKEN) as 'Authorization: Bearer <token>'.");
    }

    private static bool IsLoopback(HttpContext context)
    {
        if (context.Connection.RemoteIpAddress is not { } remote || !IPAddress.IsLoopback(remote))
        {
            return false;
        }

        var headers = context.Request.Headers;
        if (headers.ContainsKey("Forwarded"))
        {
            return false;
        }

        // The forwarded-headers middleware consumes the entries it trusts; whatever is left names clients
        // that a proxy on this host relayed.
        foreach (var entries in headers["X-Forwarded-For"])
        {
            foreach (var entry in (entries ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (!IPEndPoint.TryParse(entry, out var endpoint) || !IPAddress.IsLoopback(endpoint.Address))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
