using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using P1Telemetry.Server.Auth;

namespace P1Telemetry.Server.Alerts;

public static class AlertEndpoints
{
    public const int MaxListed = 50;

    /// <summary><c>GET /v1/devices/{id}/alerts</c>: the device's recent alerts and the state of each delivery.</summary>
    public static RouteGroupBuilder MapAlerts(this RouteGroupBuilder group)
    {
        group.MapGet("/devices/{id}/alerts", ListAsync)
            .WithName("ListDeviceAlerts")
            .WithSummary("The device's recent alerts (newest first) with their delivery per channel: pending, delivered or dropped")
            .Produces<AlertListResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return group;
    }

    internal static async Task<Results<JsonHttpResult<AlertListResponse>, ProblemHttpResult>> ListAsync(
        string id, HttpContext context, AlertOutbox outbox, CancellationToken cancellationToken)
    {
        if (await DeviceAccess.AuthorizeAsync(context, id, DeviceRight.Read) is { } problem)
        {
            return problem;
        }

        var recent = await outbox.ListRecentAsync(id, MaxListed, cancellationToken);
        var items = recent.Select(entry => new AlertItem
        {
            Kind = entry.Alert.Kind,
            QuarterStart = entry.Alert.QuarterStart,
            CreatedAt = entry.Alert.CreatedAt,
            ExpiresAt = entry.Alert.ExpiresAt,
            Payload = JsonDocument.Parse(entry.Alert.Payload).RootElement.Clone(),
            Deliveries = entry.Deliveries.Select(d => new AlertDeliveryItem
            {
                Channel = d.Channel,
                State = d.State,
                Attempts = d.Attempts,
                NextAttempt = d.State == "pending" ? d.NextAttempt : null,
                LastError = d.LastError,
                DeliveredAt = d.DeliveredAt,
            }).ToList(),
        }).ToList();
        return TypedResults.Json(new AlertListResponse { DeviceId = id, Alerts = items }, AlertsJsonContext.Default.AlertListResponse);
    }
}

public sealed record AlertListResponse
{
    [JsonPropertyName("device_id")]
    public required string DeviceId { get; init; }

    [JsonPropertyName("alerts")]
    public required IReadOnlyList<AlertItem> Alerts { get; init; }
}

public sealed record AlertItem
{
    [JsonPropertyName("kind")]
    public required string Kind { get; init; }

    [JsonPropertyName("quarter_start")]
    public required DateTimeOffset QuarterStart { get; init; }

    [JsonPropertyName("created_at")]
    public required DateTimeOffset CreatedAt { get; init; }

    [JsonPropertyName("expires_at")]
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>What was (or is to be) sent: the webhook's body.</summary>
    [JsonPropertyName("payload")]
    public required JsonElement Payload { get; init; }

    [JsonPropertyName("deliveries")]
    public required IReadOnlyList<AlertDeliveryItem> Deliveries { get; init; }
}

public sealed record AlertDeliveryItem
{
    [JsonPropertyName("channel")]
    public required string Channel { get; init; }

    /// <summary><c>pending</c>, <c>delivered</c> or <c>dropped</c>.</summary>
    [JsonPropertyName("state")]
    public required string State { get; init; }

    [JsonPropertyName("attempts")]
    public required int Attempts { get; init; }

    [JsonPropertyName("next_attempt")]
    public DateTimeOffset? NextAttempt { get; init; }

    [JsonPropertyName("last_error")]
    public string? LastError { get; init; }

    [JsonPropertyName("delivered_at")]
    public DateTimeOffset? DeliveredAt { get; init; }
}
