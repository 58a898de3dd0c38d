using Microsoft.AspNetCore.Http.HttpResults;
using P1Telemetry.MeterSimulator.Device;

namespace P1Telemetry.MeterSimulator.Api;

/// <summary>The v1 API on the plain-HTTP listener: no authentication, off when the API is disabled in the app.</summary>
internal static class V1Endpoints
{
    public static IEndpointRouteBuilder MapV1Api(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/api").WithMetadata(new ApiListenerMetadata(Https: false));

        v1.MapGet("", IResult (SimulatedDevice device) => Disabled(device)
            ?? (IResult)TypedResults.Json(MeterPayloads.DeviceInfo(device, v2: false), SimulatorJsonContext.Default.DeviceInfoResponse));

        v1.MapGet("/v1/data", IResult (SimulatedDevice device) =>
        {
            if (Disabled(device) is { } disabled)
            {
                return disabled;
            }

            var faults = device.Faults.Current;
            var telegram = device.Feed.Latest!;
            return TypedResults.Json(MeterPayloads.ToV1(telegram, device.Serial, faults.BelgianFields), SimulatorJsonContext.Default.V1Data);
        });

        v1.MapGet("/v1/telegram", IResult (SimulatedDevice device) =>
        {
            if (Disabled(device) is { } disabled)
            {
                return disabled;
            }

            device.PeakMemory.Want();
            return TypedResults.Text(device.RawFeed.Latest!.Text, "text/plain", System.Text.Encoding.ASCII);
        });

        return app;
    }

    private static JsonHttpResult<V1Error>? Disabled(SimulatedDevice device) =>
        device.Faults.Current.ApiDisabled
            ? TypedResults.Json(new V1Error(new V1ErrorDetail(202, "API not enabled")), SimulatorJsonContext.Default.V1Error,
                statusCode: StatusCodes.Status403Forbidden)
            : null;
}
