using System.Text.Json.Serialization;
using P1Telemetry.Contracts.Wire;

namespace P1Telemetry.Server.Caching;

/// <summary>A change message on the Redis channel that carries the device's newest committed sample.</summary>
public sealed record DeviceChange(
    [property: JsonPropertyName("device_id")] string DeviceId,
    [property: JsonPropertyName("sample")] Sample? Sample);

[JsonSerializable(typeof(DeviceChange))]
internal sealed partial class DeviceChangeJsonContext : JsonSerializerContext;
