using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using StackExchange.Redis;

namespace P1Telemetry.Server.Caching;

/// <summary>Parses <c>REDIS_URL</c>: <c>redis://[[user]:password@]host[:port][/db]</c>, or <c>rediss://</c> for TLS.</summary>
public static class RedisUrl
{
    public static bool TryParse(string value, [NotNullWhen(true)] out ConfigurationOptions? options, [NotNullWhen(false)] out string? error)
    {
        options = null;
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri)
            || (uri.Scheme != "redis" && uri.Scheme != "rediss")
            || string.IsNullOrEmpty(uri.Host))
        {
            error = "REDIS_URL must look like redis://[:password@]host:port[/db].";
            return false;
        }

        var result = new ConfigurationOptions
        {
            // Start and keep serving while Redis is down; reads fall back to the database.
            AbortOnConnectFail = false,
            ConnectTimeout = 2000,
            SyncTimeout = 1000,
            ConnectRetry = 1,
            Ssl = uri.Scheme == "rediss",
        };
        result.EndPoints.Add(uri.Host.Trim('[', ']'), uri.IsDefaultPort || uri.Port < 0 ? 6379 : uri.Port);

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            var separator = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            var password = separator < 0 ? uri.UserInfo : uri.UserInfo[(separator + 1)..];
            result.Password = Uri.UnescapeDataString(password);
        }

        var path = uri.AbsolutePath.Trim('/');
        if (path.Length > 0)
        {
            if (!int.TryParse(path, NumberStyles.None, CultureInfo.InvariantCulture, out var database) || database > 15)
            {
                error = "REDIS_URL names an invalid database number (expected /0 to /15).";
                return false;
            }

            result.DefaultDatabase = database;
        }

        options = result;
        error = null;
        return true;
    }
}
