using System.Text.Json.Serialization;

namespace P1Telemetry.Server.Ingest;

/// <summary>Why one sample of a batch was rejected; <see cref="Index"/> is its position in <c>samples</c>.</summary>
public sealed record SampleError(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("field")] string Field,
    [property: JsonPropertyName("reason")] string Reason);
