using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Npgsql;

namespace P1Telemetry.Server.Configuration;

/// <summary>
/// Turns <c>DATABASE_URL</c> into an Npgsql connection string. Accepts <c>postgres[ql]://user:pass@host:port/db?sslmode=...</c>
/// (user and password URL-decoded) and Npgsql <c>key=value;...</c> strings.
/// </summary>
public static class DatabaseUrl
{
    public static bool TryParse(string value, [NotNullWhen(true)] out NpgsqlConnectionStringBuilder? builder, [NotNullWhen(false)] out string? error)
    {
        builder = null;
        value = value.Trim();
        if (value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase))
        {
            return TryParseUrl(value, out builder, out error);
        }

        if (value.Contains("://", StringComparison.Ordinal))
        {
            error = "DATABASE_URL must be a postgresql:// URL or an Npgsql key=value connection string.";
            return false;
        }

        try
        {
            builder = new NpgsqlConnectionStringBuilder(value);
        }
        catch (ArgumentException ex)
        {
            error = $"DATABASE_URL is not a valid connection string: {ex.Message}";
            return false;
        }

        if (string.IsNullOrEmpty(builder.Host))
        {
            builder = null;
            error = "DATABASE_URL names no Host.";
            return false;
        }

        error = null;
        return true;
    }

    private static bool TryParseUrl(string value, [NotNullWhen(true)] out NpgsqlConnectionStringBuilder? builder, [NotNullWhen(false)] out string? error)
    {
        builder = null;
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            error = "DATABASE_URL is not a valid postgresql:// URL (expected postgresql://user:password@host:port/database).";
            return false;
        }

        var result = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host.Trim('[', ']'),
            Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port,
        };

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            var separator = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            result.Username = Uri.UnescapeDataString(separator < 0 ? uri.UserInfo : uri.UserInfo[..separator]);
            if (separator >= 0)
            {
                result.Password = Uri.UnescapeDataString(uri.UserInfo[(separator + 1)..]);
            }
        }

        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0)
        {
            result.Database = database;
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            var parameter = Uri.UnescapeDataString(equals < 0 ? string.Empty : pair[(equals + 1)..]);
            if (!TryApplyQueryParameter(result, key, parameter, out error))
            {
                return false;
            }
        }

        builder = result;
        error = null;
        return true;
    }

    private static bool TryApplyQueryParameter(NpgsqlConnectionStringBuilder builder, string key, string value, [NotNullWhen(false)] out string? error)
    {
        try
        {
            switch (key.ToLowerInvariant())
            {
                case "sslmode":
                    builder.SslMode = Enum.Parse<SslMode>(value.Replace("-", string.Empty, StringComparison.Ordinal), ignoreCase: true);
                    break;
                case "sslrootcert":
                    builder.RootCertificate = value;
                    break;
                case "application_name":
                    builder.ApplicationName = value;
                    break;
                case "connect_timeout":
                    builder.Timeout = int.Parse(value, CultureInfo.InvariantCulture);
                    break;
                default:
                    // Anything else is taken as an Npgsql keyword (e.g. Maximum Pool Size, Search Path).
                    builder[key.Replace('_', ' ')] = value;
                    break;
            }
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
        {
            error = $"DATABASE_URL has an invalid query parameter '{key}': {ex.Message}";
            return false;
        }

        error = null;
        return true;
    }
}
