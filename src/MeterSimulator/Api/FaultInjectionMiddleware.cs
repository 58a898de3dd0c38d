using P1Telemetry.MeterSimulator.Device;

namespace P1Telemetry.MeterSimulator.Api;

/// <summary>
/// Makes the HomeWizard API misbehave as configured: added latency, a hung response, dropped connections and
/// HTTP 500s. The <c>/sim/</c> control endpoints are exempt so a test can always switch faults off again.
/// </summary>
internal sealed class FaultInjectionMiddleware(RequestDelegate next, SimulatedDevice device, IHostApplicationLifetime lifetime)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments("/sim"))
        {
            await next(context);
            return;
        }

        var faults = device.Faults.Current;
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        try
        {
            if (faults.LatencyMs > 0)
            {
                await Task.Delay(faults.LatencyMs, abandon.Token);
            }

            if (faults.Hang)
            {
                // Never answers: the client's timeout (or the simulator stopping) ends the request.
                await Task.Delay(Timeout.Infinite, abandon.Token);
            }
        }
        catch (OperationCanceledException)
        {
            context.Abort();
            return;
        }

        // Fault dice are not part of the deterministic meter: they model the network and the dongle's firmware.
        if (faults.DropRate > 0 && Random.Shared.NextDouble() < faults.DropRate)
        {
            context.Abort();
            return;
        }

        if (faults.ErrorRate > 0 && Random.Shared.NextDouble() < faults.ErrorRate)
        {
            await V2Endpoints.Error("internal:simulated-fault", StatusCodes.Status500InternalServerError).ExecuteAsync(context);
            return;
        }

        await next(context);
    }
}
