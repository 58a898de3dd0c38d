using P1Telemetry.Edge.Configuration;

namespace P1Telemetry.Edge.Meter;

/// <summary>One measurement document as the dongle sent it, with the edge clock at receipt.</summary>
public sealed record RawReading(MeterApiVersion Version, ReadOnlyMemory<byte> Json, DateTimeOffset ReceivedAt);
