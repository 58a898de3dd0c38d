namespace P1Telemetry.Server.Alerts;

/// <summary>The checks a channel's URL and secret pass, for the environment and for a device's settings alike.</summary>
public static class ChannelUrls
{
    public const int MaxUrlLength = 2048;

    public const int MaxSecretLength = 512;

    /// <summary>Null when <paramref name="value"/> is empty or an absolute http(s) URL; else what is wrong.</summary>
    public static string? CheckHttp(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (value.Length > MaxUrlLength || !Uri.TryCreate(value, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) || string.IsNullOrEmpty(uri.Host))
        {
            return $"must be an absolute http:// or https:// URL of at most {MaxUrlLength} characters.";
        }

        return uri.UserInfo.Length > 0 ? "must not carry a user and password; use the token or secret setting." : null;
    }

    /// <summary>Null when <paramref name="value"/> is empty or usable as a header value or HMAC key.</summary>
    public static string? CheckSecret(string? value, string what)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        return value.Length > MaxSecretLength || value.Any(c => char.IsControl(c) || c > '\x7e') || value.Trim().Length != value.Length
            ? $"must be {what} of 1-{MaxSecretLength} printable ASCII characters without surrounding spaces."
            : null;
    }
}
