using System.Text.Json.Serialization;

namespace P1Telemetry.Contracts.Wire;

/// <summary>The body of <c>POST /v1/ingest</c>: always a wrapped object, never a bare array.</summary>
public sealed record IngestRequest
{
    [JsonPropertyName("samples")]
    public required IReadOnlyList<Sample> Samples { get; init; }
}
