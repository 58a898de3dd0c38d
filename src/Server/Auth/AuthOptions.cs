using Microsoft.Extensions.Options;

namespace P1Telemetry.Server.Auth;

/// <summary>Device bearer tokens from <c>DEVICE_TOKENS</c>.</summary>
public sealed class AuthOptions
{
    [ConfigurationKeyName("DEVICE_TOKENS")]
    public string? DeviceTokens { get; set; }

    /// <summary>
    /// Take the client address and scheme from X-Forwarded-For/-Proto: only behind a reverse proxy that is the
    /// only way to reach the server (the per-IP sign-in limit and the Secure session need them).
    /// </summary>
    [ConfigurationKeyName("TRUST_FORWARDED_HEADERS")]
    public bool TrustForwardedHeaders { get; set; }
}

/// <summary>Stops the process at start when <c>DEVICE_TOKENS</c> cannot be parsed.</summary>
public sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options) =>
        DeviceTokenRegistry.TryParse(options.DeviceTokens, out _, out var error)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(error);
}
