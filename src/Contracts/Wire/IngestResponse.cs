using System.Text.Json.Serialization;

namespace P1Telemetry.Contracts.Wire;

/// <summary>The answer to a successful ingest: <see cref="Inserted"/> counts new rows only.</summary>
public sealed record IngestResponse(
    [property: JsonPropertyName("inserted")] int Inserted,
    [property: JsonPropertyName("duplicates")] int Duplicates);
