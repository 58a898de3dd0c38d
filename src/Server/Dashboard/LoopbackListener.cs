using System.Net;
using Microsoft.Extensions.Options;

namespace P1Telemetry.Server.Dashboard;

/// <summary>
/// A plain-HTTP listener bound to 127.0.0.1 only, so that a browser on the server's own machine opens the
/// dashboard without a certificate warning. Loopback traffic never leaves the machine, which is what makes the
/// missing TLS acceptable, and only for the browser: bearer tokens (devices and users) and the device
/// endpoints are refused there, so an edge can never be configured to upload without TLS.
/// </summary>
public static class LoopbackListener
{
    private static readonly PathString[] DevicePaths = [new("/v1/ingest"), new("/v1/meter-peaks"), new("/v1/me")];

    /// <summary>Adds <c>http://127.0.0.1:PORT</c> to the addresses the server listens on, keeping the configured ones.</summary>
    public static WebApplicationBuilder AddLoopbackListener(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<LoopbackListenerOptions>().Bind(builder.Configuration).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<LoopbackListenerOptions>, LoopbackListenerOptionsValidator>();
        if (!LoopbackListenerOptions.TryParse(builder.Configuration[LoopbackListenerOptions.Variable], out var port))
        {
            return builder;
        }

        // Kestrel listens on the URLs setting or, without one, on HTTP_PORTS/HTTPS_PORTS or its default; naming
        // one more address replaces those fallbacks, so they are spelled out first.
        var urls = builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey);
        if (string.IsNullOrWhiteSpace(urls))
        {
            var ports = Ports(builder.WebHost.GetSetting(WebHostDefaults.HttpPortsKey), "http")
                .Concat(Ports(builder.WebHost.GetSetting(WebHostDefaults.HttpsPortsKey), "https"))
                .ToList();
            urls = ports.Count > 0 ? string.Join(';', ports) : "http://localhost:5000";
        }

        builder.WebHost.UseSetting(WebHostDefaults.ServerUrlsKey, $"{urls};http://127.0.0.1:{port}");
        return builder;
    }

    /// <summary>Whether the request came in on the loopback listener.</summary>
    public static bool IsLoopbackListener(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var port = context.RequestServices.GetRequiredService<IOptions<LoopbackListenerOptions>>().Value.Port;
        var connection = context.Connection;
        return port is { } p && connection.LocalPort == p && connection.LocalIpAddress is { } local && IPAddress.IsLoopback(local);
    }

    /// <summary>On the loopback listener: no bearer token and no device endpoint, answered 403 problem+json.</summary>
    public static IApplicationBuilder UseLoopbackListenerRules(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (IsLoopbackListener(context))
            {
                var path = context.Request.Path;
                if (context.Request.Headers.Authorization.Count > 0 || DevicePaths.Any(d => path.StartsWithSegments(d, StringComparison.OrdinalIgnoreCase)))
                {
                    await TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not on the loopback listener",
                        detail: "This plain-HTTP address serves the dashboard to a browser on this machine only: devices upload " +
                            "and tokens authenticate over HTTPS.").ExecuteAsync(context);
                    return;
                }
            }

            await next(context);
        });

    private static IEnumerable<string> Ports(string? ports, string scheme) =>
        (ports ?? string.Empty).Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => $"{scheme}://*:{p}");
}
