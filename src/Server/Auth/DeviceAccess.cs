using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using P1Telemetry.Server.Accounts;
using P1Telemetry.Server.Diagnostics;

namespace P1Telemetry.Server.Auth;

/// <summary>What a caller may do with one device.</summary>
public enum DeviceRight
{
    None,
    Read,

    /// <summary>Change the device's settings and tokens: owners and administrators.</summary>
    Manage,
}

/// <summary>
/// Checks that the caller may read a device's data: a device token its own device, a user (API token or
/// browser session) the devices granted to it, an administrator every known device. Read endpoints call
/// <see cref="AuthorizeAsync"/> or add <see cref="RequireDeviceAccess"/> to their route.
/// </summary>
public static class DeviceAccess
{
    public const string QueryParameter = "device_id";

    /// <summary>
    /// Null when the caller may access <paramref name="deviceId"/> with <paramref name="needed"/>; otherwise the
    /// problem to answer: 400 when it is missing or malformed, 401 without credentials, 403 for anything else.
    /// </summary>
    public static async Task<ProblemHttpResult?> AuthorizeAsync(HttpContext context, string? deviceId, DeviceRight needed = DeviceRight.Read)
    {
        ArgumentNullException.ThrowIfNull(context);
        var caller = context.User;
        if (caller.GetDeviceId() is null && caller.GetUserId() is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Missing bearer token",
                detail: "Send 'Authorization: Bearer <token>' with a device or API token, or sign in.");
        }

        if (string.IsNullOrEmpty(deviceId))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Missing device_id",
                detail: "The query parameter device_id is required.");
        }

        if (!DeviceIdFormat.IsValid(deviceId))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid device_id",
                detail: $"device_id must be {DeviceIdFormat.Description}.");
        }

        var right = await RightAsync(context.RequestServices, caller, deviceId, context.RequestAborted);
        if (right < needed)
        {
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DeviceAccess));
            Log.DeviceForbidden(logger, caller.GetDeviceId() ?? $"user {caller.GetUserId()}", deviceId);
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                detail: needed == DeviceRight.Manage && right == DeviceRight.Read
                    ? $"Only an owner of '{deviceId}' or an administrator may do this."
                    : $"These credentials do not give access to device '{deviceId}'.");
        }

        return null;
    }

    /// <summary>The caller's right on the device. Grants are read per request, so a change holds at once.</summary>
    public static async Task<DeviceRight> RightAsync(IServiceProvider services, ClaimsPrincipal caller, string deviceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.GetDeviceId() is { } ownDevice)
        {
            // A device token reads its own device; managing it is for people.
            return string.Equals(ownDevice, deviceId, StringComparison.Ordinal) ? DeviceRight.Read : DeviceRight.None;
        }

        if (caller.GetUserId() is not { } userId)
        {
            return DeviceRight.None;
        }

        if (caller.IsAdmin())
        {
            return services.GetRequiredService<KnownDevices>().Contains(deviceId) ? DeviceRight.Manage : DeviceRight.None;
        }

        return await services.GetRequiredService<UserStore>().GetRoleAsync(userId, deviceId, cancellationToken) switch
        {
            DeviceRoles.Owner => DeviceRight.Manage,
            DeviceRoles.Viewer => DeviceRight.Read,
            _ => DeviceRight.None,
        };
    }

    /// <summary>An endpoint filter that authorizes the <c>device_id</c> query parameter before the handler runs.</summary>
    public static TBuilder RequireDeviceAccess<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (invocation, next) =>
        {
            var context = invocation.HttpContext;
            var problem = await AuthorizeAsync(context, context.Request.Query[QueryParameter]);
            return problem is null ? await next(invocation) : problem;
        });
}
