using System.Text.Json;
using System.Text.RegularExpressions;
using P1Telemetry.MeterSimulator.Device;

namespace P1Telemetry.MeterSimulator.Api;

/// <summary>The v2 API on the HTTPS listener: bearer token on everything but pairing and the WebSocket.</summary>
internal static partial class V2Endpoints
{
    public static IEndpointRouteBuilder MapV2Api(this IEndpointRouteBuilder app)
    {
        var v2 = app.MapGroup("/api").WithMetadata(new ApiListenerMetadata(Https: true));
        var authorized = v2.MapGroup("").AddEndpointFilter(RequireToken);

        authorized.MapGet("", (SimulatedDevice device) =>
            TypedResults.Json(MeterPayloads.DeviceInfo(device, v2: true), SimulatorJsonContext.Default.DeviceInfoResponse));

        authorized.MapGet("/measurement", (SimulatedDevice device) =>
            TypedResults.Json(MeterPayloads.ToV2(device.Feed.Latest!, device.Serial, device.Faults.Current.BelgianFields),
                SimulatorJsonContext.Default.V2Measurement));

        authorized.MapGet("/telegram", (SimulatedDevice device) =>
        {
            device.PeakMemory.Want();
            return TypedResults.Text(device.RawFeed.Latest!.Text, "text/plain", System.Text.Encoding.ASCII);
        });

        authorized.MapGet("/system", (SimulatedDevice device) =>
            TypedResults.Json(MeterPayloads.System(device), SimulatorJsonContext.Default.SystemResponse));

        v2.MapPost("/user", CreateUserAsync);
        return app;
    }

    public static IResult Error(string code, int statusCode) =>
        TypedResults.Json(new V2Error(code), SimulatorJsonContext.Default.V2Error, statusCode: statusCode);

    private static async ValueTask<object?> RequireToken(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var device = http.RequestServices.GetRequiredService<SimulatedDevice>();
        var header = http.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        var token = header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : null;
        if (!device.Pairing.IsValid(token))
        {
            return Error("user:unauthorized", StatusCodes.Status401Unauthorized);
        }

        return await next(context);
    }

    private static async Task<IResult> CreateUserAsync(HttpContext http, SimulatedDevice device, ILogger<SimulatedDevice> logger,
        CancellationToken cancellationToken)
    {
        CreateUserRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync(http.Request.Body, SimulatorJsonContext.Default.CreateUserRequest, cancellationToken);
        }
        catch (JsonException)
        {
            return Error("request:json-invalid", StatusCodes.Status400BadRequest);
        }

        if (request?.Name is not { } name || !UserName().IsMatch(name))
        {
            return Error("user:name-invalid", StatusCodes.Status400BadRequest);
        }

        if (device.Pairing.TryCreateUser(name) is not { } token)
        {
            LogPairingRefused(logger, name);
            return Error("user:creation-not-enabled", StatusCodes.Status403Forbidden);
        }

        LogPaired(logger, name);
        return TypedResults.Json(new CreateUserResponse(token, name), SimulatorJsonContext.Default.CreateUserResponse);
    }

    [GeneratedRegex(@"^local/[^\x00-\x1F]{1,40}$")]
    private static partial Regex UserName();

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserName} paired")]
    private static partial void LogPaired(ILogger logger, string userName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pairing of {UserName} refused: the button was not pressed in the last 30 s")]
    private static partial void LogPairingRefused(ILogger logger, string userName);
}
