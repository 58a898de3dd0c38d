using System.Security.Claims;

namespace P1Telemetry.Server.Auth;

public static class DeviceClaims
{
    public const string DeviceId = "device_id";

    /// <summary>The device that the caller's token belongs to (set by the device-token authentication).</summary>
    public static string? GetDeviceId(this ClaimsPrincipal user) => user.FindFirst(DeviceId)?.Value;
}
