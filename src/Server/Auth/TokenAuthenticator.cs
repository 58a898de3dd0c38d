using System.Security.Claims;
using P1Telemetry.Server.Accounts;

namespace P1Telemetry.Server.Auth;

/// <summary>
/// Turns a presented bearer token into a caller: a <c>DEVICE_TOKENS</c> device, a database device token or a
/// user's personal API token. Database tokens are hashed and looked up by their hash on every request (one
/// indexed read, no cache), so a new token works and a revoked one is refused at once on every replica.
/// </summary>
public sealed class TokenAuthenticator(DeviceTokenRegistry registry, DeviceStore devices, UserStore users, TimeProvider timeProvider)
{
    /// <summary>last_used_at is written at most this often per token, not on every request.</summary>
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    public async Task<ClaimsIdentity?> AuthenticateAsync(string token, string authenticationType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (registry.FindDevice(token) is { } configured)
        {
            return DeviceClaims.DeviceIdentity(configured, authenticationType);
        }

        var now = timeProvider.GetUtcNow();
        if (token.StartsWith(SecretTokens.DevicePrefix, StringComparison.Ordinal))
        {
            if (await devices.FindByTokenHashAsync(SecretTokens.Hash(token), cancellationToken) is not { } device)
            {
                return null;
            }

            if (IsDue(device.LastUsed, now))
            {
                await devices.TouchTokenAsync(device.TokenId, now, cancellationToken);
            }

            return DeviceClaims.DeviceIdentity(device.DeviceId, authenticationType);
        }

        if (token.StartsWith(SecretTokens.UserPrefix, StringComparison.Ordinal))
        {
            if (await users.FindByTokenHashAsync(SecretTokens.Hash(token), cancellationToken) is not { } owner)
            {
                return null;
            }

            if (IsDue(owner.LastUsed, now))
            {
                await users.TouchTokenAsync(owner.TokenId, now, cancellationToken);
            }

            return DeviceClaims.UserIdentity(owner.User.Id, owner.User.Username, owner.User.IsAdmin, null, authenticationType);
        }

        return null;
    }

    private static bool IsDue(DateTimeOffset? lastUsed, DateTimeOffset now) => lastUsed is not { } last || now - last >= LastUsedResolution;
}
