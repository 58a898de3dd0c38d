using System.Text.Json;
using P1Telemetry.MeterSimulator.Device;

namespace P1Telemetry.MeterSimulator.Api;

/// <summary>
/// <c>/sim/…</c> on both listeners: press the pairing button, set faults, read back every telegram. Not part
/// of the HomeWizard API and never subject to the faults.
/// </summary>
internal static partial class SimControlEndpoints
{
    public static IEndpointRouteBuilder MapSimControl(this IEndpointRouteBuilder app)
    {
        var sim = app.MapGroup("/sim");

        sim.MapPost("/button", (SimulatedDevice device, ILogger<SimulatedDevice> logger) =>
        {
            device.Pairing.PressButton();
            LogButtonPressed(logger);
            return TypedResults.NoContent();
        });

        sim.MapGet("/faults", (SimulatedDevice device) =>
            TypedResults.Json(device.Faults.Current, SimulatorJsonContext.Default.SimulatorFaults));

        sim.MapPut("/faults", SetFaultsAsync);

        sim.MapGet("/readings", (SimulatedDevice device) =>
        {
            var readings = device.Feed.Snapshot();
            var measurements = new V2Measurement[readings.Count];
            for (var i = 0; i < readings.Count; i++)
            {
                measurements[i] = MeterPayloads.ToV2(readings[i], device.Serial, belgianFields: true, withUtc: true);
            }

            return TypedResults.Json<IReadOnlyList<V2Measurement>>(measurements, SimulatorJsonContext.Default.IReadOnlyListV2Measurement);
        });

        return app;
    }

    private static async Task<IResult> SetFaultsAsync(HttpContext http, SimulatedDevice device, ILogger<SimulatedDevice> logger,
        CancellationToken cancellationToken)
    {
        SimulatorFaults? faults;
        try
        {
            faults = await JsonSerializer.DeserializeAsync(http.Request.Body, SimulatorJsonContext.Default.SimulatorFaults, cancellationToken);
        }
        catch (JsonException ex)
        {
            return TypedResults.Problem(
                detail: $"The body is not a valid faults object: {ex.Message} Expected fields: latency_ms, error_rate, drop_rate, hang, glitch (\"backwards\"|\"spike\"|null), api_disabled, belgian_fields, bad_crc_rate, truncated_rate, clock_stalled.",
                statusCode: StatusCodes.Status400BadRequest, title: "Invalid faults");
        }

        if (faults is null)
        {
            return TypedResults.Problem(detail: "The body must be a JSON object.", statusCode: StatusCodes.Status400BadRequest, title: "Invalid faults");
        }

        if (faults.Validate() is { } error)
        {
            return TypedResults.Problem(detail: error, statusCode: StatusCodes.Status400BadRequest, title: "Invalid faults");
        }

        device.Faults.Set(faults);
        LogFaultsSet(logger, faults.LatencyMs, faults.ErrorRate, faults.DropRate, faults.Hang, faults.Glitch, faults.ApiDisabled, faults.BelgianFields);
        return TypedResults.Json(faults, SimulatorJsonContext.Default.SimulatorFaults);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pairing button pressed: users can be created for 30 s")]
    private static partial void LogButtonPressed(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Faults set: latency {LatencyMs} ms, error rate {ErrorRate}, drop rate {DropRate}, hang {Hang}, glitch {Glitch}, API disabled {ApiDisabled}, Belgian fields {BelgianFields}")]
    private static partial void LogFaultsSet(ILogger logger, int latencyMs, double errorRate, double dropRate, bool hang,
        RegisterGlitch? glitch, bool apiDisabled, bool belgianFields);
}
