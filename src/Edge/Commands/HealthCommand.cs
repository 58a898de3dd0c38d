using System.Text.Json;
using P1Telemetry.Edge.Health;

namespace P1Telemetry.Edge.Commands;

/// <summary>Prints the health file re-evaluated at the current time; exit 0 when healthy, 1 otherwise.</summary>
public sealed class HealthCommand(TextWriter output, TimeProvider time)
{
    public async Task<int> RunAsync(string healthPath, CancellationToken cancellationToken, HealthThresholds? thresholds = null)
    {
        HealthReport? report;
        try
        {
            report = await HealthFile.ReadAsync(healthPath, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            await output.WriteLineAsync($$"""{"status":"unhealthy","problems":["cannot read the health file {{JsonEncodedText.Encode(healthPath)}}: {{JsonEncodedText.Encode(ex.Message)}}"]}""");
            return 1;
        }

        if (report is null)
        {
            await output.WriteLineAsync("""{"status":"unhealthy","problems":["the health file is empty"]}""");
            return 1;
        }

        var evaluated = HealthEvaluator.Evaluate(report, time.GetUtcNow(), thresholds);
        await output.WriteLineAsync(HealthFile.ToJson(evaluated));
        return evaluated.Status == "healthy" ? 0 : 1;
    }
}
