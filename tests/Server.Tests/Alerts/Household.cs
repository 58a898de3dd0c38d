using Microsoft.Extensions.DependencyInjection;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.Server.Tests.Support;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.Server.Tests.Alerts;

/// <summary>A household's readings every 10 s whose import register integrates the power drawn.</summary>
public sealed class Household(string deviceId, double importKwh = 1000)
{
    private double _importKwh = importKwh;

    public List<Sample> Draw(DateTimeOffset from, TimeSpan duration, int powerW)
    {
        var step = TimeSpan.FromSeconds(10);
        var samples = new List<Sample>();
        for (var ts = from; ts < from + duration; ts += step)
        {
            samples.Add(new Sample
            {
                DeviceId = deviceId,
                Ts = ts,
                PowerW = powerW,
                ImportPowerW = powerW,
                EnergyImportKwh = Math.Round(_importKwh, 4),
                EnergyExportKwh = 10,
            });
            _importKwh += powerW * step.TotalHours / 1000;
        }

        return samples;
    }
}

public static class AlertApi
{
    /// <summary>
    /// Waits until each server has evaluated every ingest it took. A test moves its clock only then: an
    /// evaluation still queued would otherwise run at the new time with the old readings (a quarter that has
    /// just begun, seen with the last quarter's power).
    /// </summary>
    public static Task EvaluatedAsync(params ServerFactory[] servers) => Eventually.TrueAsync(
        () => servers.All(server => server.Services.GetRequiredService<P1Telemetry.Server.Alerts.AlertSignals>().Idle),
        "every ingest's alert evaluation", seconds: 30);

    /// <summary>
    /// Waits until every delivery of the device has an outcome written (delivered, dropped, or failed and waiting
    /// for its retry) at the server's current time. A test moves its clock only then: a jump past a claim's lease
    /// while its send is still in flight would let the next pass claim it again. A pending delivery that is due is
    /// about to be tried, and one whose next attempt is a claim's lease from now is being sent: neither has settled
    /// (no backoff, a power of two seconds, equals the 60 s lease).
    /// </summary>
    public static Task SettledAsync(ServerFactory server, HttpClient client, string deviceId) => Eventually.TrueAsync(async () =>
    {
        var now = server.Clock.GetUtcNow();
        using var response = await client.GetAsync($"/v1/devices/{deviceId}/alerts");
        var alerts = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("alerts");
        return alerts.EnumerateArray().SelectMany(a => a.GetProperty("deliveries").EnumerateArray())
            .All(d => d.GetProperty("state").GetString() != "pending"
                || (d.TryGetProperty("last_error", out var error) && error.ValueKind == System.Text.Json.JsonValueKind.String
                    && d.GetProperty("next_attempt").GetDateTimeOffset() is var next
                    && next > now && next != now + P1Telemetry.Server.Alerts.AlertOutbox.ClaimLease));
    }, "the deliveries to settle", seconds: 30);
}
