using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace P1Telemetry.Server.Diagnostics;

/// <summary>Who may read <c>GET /metrics</c>.</summary>
public sealed class MetricsOptions
{
    /// <summary>
    /// The bearer token a scraper must send, or <c>sha256:&lt;hex&gt;</c> of it. Unset: only requests from
    /// a loopback address (not forwarded by a proxy) are answered.
    /// </summary>
    [ConfigurationKeyName("METRICS_TOKEN")]
    public string? MetricsToken { get; set; }

    public bool RequiresToken => !string.IsNullOrWhiteSpace(MetricsToken);

    /// <summary>SHA-256 of the expected token; null without <see cref="MetricsToken"/>.</summary>
    public byte[]? TokenHash()
    {
        if (!RequiresToken)
        {
            return null;
        }

        var token = MetricsToken!.Trim();
        return token.StartsWith(MetricsOptionsValidator.HashPrefix, StringComparison.Ordinal)
            ? Convert.FromHexString(token.AsSpan(MetricsOptionsValidator.HashPrefix.Length))
            : SHA256.HashData(Encoding.UTF8.GetBytes(token));
    }
}

/// <summary>Stops the process at start when <c>METRICS_TOKEN</c> is too weak to protect anything or a malformed hash.</summary>
public sealed class MetricsOptionsValidator : IValidateOptions<MetricsOptions>
{
    public const string HashPrefix = "sha256:";
    public const int MinimumLength = 16;

    public ValidateOptionsResult Validate(string? name, MetricsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.RequiresToken)
        {
            return ValidateOptionsResult.Success;
        }

        var token = options.MetricsToken!.Trim();
        if (token.StartsWith(HashPrefix, StringComparison.Ordinal))
        {
            var hex = token[HashPrefix.Length..];
            return hex.Length == 64 && hex.All(Uri.IsHexDigit)
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail("METRICS_TOKEN: after 'sha256:' come the 64 hex digits of the token's SHA-256.");
        }

        if (token.Length < MinimumLength || token.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return ValidateOptionsResult.Fail(
                $"METRICS_TOKEN must be at least {MinimumLength} characters without spaces (or sha256:<hex> of such a token).");
        }

        return ValidateOptionsResult.Success;
    }
}
