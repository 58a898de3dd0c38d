using System.Text.Json.Serialization;
using P1Telemetry.Server.Realtime;

namespace P1Telemetry.Server.Live;

/// <summary>The live payload is written exactly as <c>GET /v1/realtime</c> answers (absent values omitted).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RealtimeResponse))]
internal sealed partial class LiveJsonContext : JsonSerializerContext;
