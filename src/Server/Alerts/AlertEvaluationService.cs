namespace P1Telemetry.Server.Alerts;

/// <summary>Drains <see cref="AlertSignals"/> off the request path: an ingest never waits for or fails because of alerts.</summary>
public sealed class AlertEvaluationService(AlertSignals signals, AlertEvaluator evaluator, ILogger<AlertEvaluationService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            string deviceId;
            try
            {
                deviceId = await signals.NextDeviceAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                await evaluator.EvaluateAsync(deviceId, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                AlertLog.EvaluationFailed(logger, ex, deviceId);
            }
            finally
            {
                signals.Evaluated();
            }
        }
    }
}
