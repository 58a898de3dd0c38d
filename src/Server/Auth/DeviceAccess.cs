using Microsoft.AspNetCore.Http.HttpResults;
using P1Telemetry.Server.Diagnostics;

namespace P1Telemetry.Server.Auth;

/// <summary>
/// Checks that the caller may read a device's data: the token's device must be the requested one. Read
/// endpoints call <see cref="Authorize"/> or add <see cref="RequireDeviceAccess"/> to their route.
/// </summary>
public static class DeviceAccess
{
    public const string QueryParameter = "device_id";

    /// <summary>
    /// Null when the caller may access <paramref name="deviceId"/>; otherwise the problem to answer:
    /// 400 when it is missing or malformed, 401 without a device token, 403 for another device.
    /// </summary>
    public static ProblemHttpResult? Authorize(HttpContext context, string? deviceId)
    {
        ArgumentNullException.ThrowIfNull(context);
        var caller = context.User.GetDeviceId();
        if (caller is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Missing bearer token",
                detail: "Send 'Authorization: Bearer <token>' with a device token.");
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

        if (!string.Equals(caller, deviceId, StringComparison.Ordinal))
        {
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DeviceAccess));
            Log.DeviceForbidden(logger, caller, deviceId);
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                detail: $"This token belongs to another device than '{deviceId}'.");
        }

        return null;
    }

    /// <summary>An endpoint filter that authorizes the <c>device_id</c> query parameter before the handler runs.</summary>
    public static TBuilder RequireDeviceAccess<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (invocation, next) =>
        {
            var context = invocation.HttpContext;
            var problem = Authorize(context, context.Request.Query[QueryParameter]);
            return problem is null ? await next(invocation) : problem;
        });
}
