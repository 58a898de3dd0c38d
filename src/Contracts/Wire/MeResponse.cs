using System.Text.Json.Serialization;

namespace P1Telemetry.Contracts.Wire;

/// <summary>The answer to <c>GET /v1/me</c>: the device that the calling token belongs to.</summary>
public sealed record MeResponse([property: JsonPropertyName("device_id")] string DeviceId);
