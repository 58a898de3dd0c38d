using P1Telemetry.Server.Auth;

namespace P1Telemetry.Server.Alerts;

/// <summary>Every half minute: silent devices, missing quarter-hour fields, and quarters that closed without a later sample.</summary>
public sealed class AlertSweepService(KnownDevices devices, AlertEvaluator evaluator, ILogger<AlertSweepService> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Real time on purpose: the sweep's cadence is the process's, the instants it compares come from the TimeProvider.
                await Task.Delay(Interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await SweepAllAsync(stoppingToken);
        }
    }

    public async Task SweepAllAsync(CancellationToken cancellationToken)
    {
        foreach (var deviceId in devices.All())
        {
            try
            {
                await evaluator.SweepAsync(deviceId, cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                AlertLog.EvaluationFailed(logger, ex, deviceId);
            }
        }
    }
}
