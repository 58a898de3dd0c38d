using System.Text.Json.Serialization;

namespace P1Telemetry.Contracts.Wire;

/// <summary>Source-generated serialization for the wire contract shared by edge and server.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(Sample))]
[JsonSerializable(typeof(IngestRequest))]
[JsonSerializable(typeof(IngestResponse))]
[JsonSerializable(typeof(MeResponse))]
[JsonSerializable(typeof(MeterPeaksRequest))]
[JsonSerializable(typeof(MeterPeaksResponse))]
public sealed partial class WireJsonContext : JsonSerializerContext;
