using System.Text.Json.Serialization;
using P1Telemetry.Contracts.Wire;

namespace P1Telemetry.Server.Caching;

/// <summary>
/// A message on the Redis channel of device changes: either the cache tags a commit made stale (with the
/// replica that made it, which has dropped them already), or the device's newest committed sample.
/// </summary>
public sealed record DeviceChange(
    [property: JsonPropertyName("device_id")] string DeviceId,
    [property: JsonPropertyName("sample")] Sample? Sample,
    [property: JsonPropertyName("tags")] IReadOnlyList<string>? Tags = null,
    [property: JsonPropertyName("origin")] string? Origin = null);

[JsonSerializable(typeof(DeviceChange))]
internal sealed partial class DeviceChangeJsonContext : JsonSerializerContext;
