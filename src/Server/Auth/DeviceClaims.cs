using System.Globalization;
using System.Security.Claims;

namespace P1Telemetry.Server.Auth;

public static class DeviceClaims
{
    public const string DeviceId = "device_id";

    /// <summary>The user a personal API token or a browser session belongs to.</summary>
    public const string UserId = "user_id";

    public const string Username = "username";

    /// <summary>Present (value "true") for administrators.</summary>
    public const string Admin = "admin";

    /// <summary>The user's security stamp when the session started; a session whose stamp is outdated is refused.</summary>
    public const string SecurityStamp = "security_stamp";

    /// <summary>The device that the caller's token belongs to (set by the device-token authentication).</summary>
    public static string? GetDeviceId(this ClaimsPrincipal user) => user.FindFirst(DeviceId)?.Value;

    /// <summary>The signed-in user (API token or browser session), or null for a device or an anonymous caller.</summary>
    public static long? GetUserId(this ClaimsPrincipal user) =>
        user.FindFirst(UserId)?.Value is { } value && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    public static bool IsAdmin(this ClaimsPrincipal user) => user.HasClaim(Admin, "true");

    public static ClaimsIdentity DeviceIdentity(string deviceId, string authenticationType) =>
        new([new Claim(DeviceId, deviceId)], authenticationType);

    public static ClaimsIdentity UserIdentity(long userId, string username, bool isAdmin, string? securityStamp, string authenticationType)
    {
        var claims = new List<Claim>
        {
            new(UserId, userId.ToString(CultureInfo.InvariantCulture)),
            new(Username, username),
        };
        if (isAdmin)
        {
            claims.Add(new Claim(Admin, "true"));
        }

        if (securityStamp is not null)
        {
            claims.Add(new Claim(SecurityStamp, securityStamp));
        }

        return new ClaimsIdentity(claims, authenticationType, Username, null);
    }
}
