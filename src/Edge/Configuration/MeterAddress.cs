using System.Diagnostics.CodeAnalysis;

namespace P1Telemetry.Edge.Configuration;

/// <summary>
/// Where the dongle listens, from <c>HW_P1_HOST</c>: a bare host, <c>host:port</c>, or a URL whose scheme
/// pins the API version (http = v1, https = v2).
/// </summary>
public sealed record MeterAddress(string Host, int? Port, string? Scheme)
{
    public static bool TryParse(string? text, [NotNullWhen(true)] out MeterAddress? address)
    {
        address = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        if (text.Contains("://", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) ||
                (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) ||
                string.IsNullOrEmpty(uri.Host))
            {
                return false;
            }

            address = new MeterAddress(uri.Host, uri.IsDefaultPort ? null : uri.Port, uri.Scheme);
            return true;
        }

        // host:port (IPv6 literals need brackets, as in a URL).
        if (!Uri.TryCreate("http://" + text, UriKind.Absolute, out var hostUri) ||
            string.IsNullOrEmpty(hostUri.Host) || hostUri.AbsolutePath != "/")
        {
            return false;
        }

        address = new MeterAddress(hostUri.Host, hostUri.IsDefaultPort && !text.EndsWith(":80", StringComparison.Ordinal) ? null : hostUri.Port, null);
        return true;
    }

    /// <summary>The base URI for the given API version.</summary>
    public Uri BaseUri(MeterApiVersion version)
    {
        var scheme = version == MeterApiVersion.V2 ? Uri.UriSchemeHttps : Uri.UriSchemeHttp;
        var builder = new UriBuilder(scheme, Host, Port ?? -1);
        return builder.Uri;
    }

    public Uri WebSocketUri()
    {
        var builder = new UriBuilder("wss", Host, Port ?? -1, "/api/ws");
        return builder.Uri;
    }

    public override string ToString() => Scheme is null
        ? (Port is null ? Host : $"{Host}:{Port}")
        : $"{Scheme}://{Host}{(Port is null ? "" : ":" + Port)}";
}
