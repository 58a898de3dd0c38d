using System.Text.Json.Serialization;

namespace P1Telemetry.Edge.Meter;

public sealed record AuthorizationMessage(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("data")] string Data);

public sealed record UserRequest([property: JsonPropertyName("name")] string Name);

public sealed record UserResponse(
    [property: JsonPropertyName("token")] string? Token,
    [property: JsonPropertyName("name")] string? Name);

/// <summary>Source-generated JSON for the few documents the edge sends to the dongle.</summary>
[JsonSerializable(typeof(AuthorizationMessage))]
[JsonSerializable(typeof(UserRequest))]
[JsonSerializable(typeof(UserResponse))]
internal sealed partial class MeterJsonContext : JsonSerializerContext;
