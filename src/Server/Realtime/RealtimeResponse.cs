using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;
using P1Telemetry.Contracts.Wire;

namespace P1Telemetry.Server.Realtime;

/// <summary>
/// The answer to <c>GET /v1/realtime</c>: the device's latest sample as a flat object (every field of the wire
/// sample, so a new sample field shows here too), with the quarter in progress.
/// </summary>
public sealed record RealtimeResponse : Sample
{
    /// <summary>For deserializers (clients and tests read the answer back).</summary>
    public RealtimeResponse()
    {
    }

    [SetsRequiredMembers]
    private RealtimeResponse(Sample sample)
        : base(sample)
    {
    }

    /// <summary>The capacity-tariff quarter in progress; null when the device has been silent for a quarter.</summary>
    [JsonPropertyName("live_quarter")]
    public LiveQuarterResponse? LiveQuarter { get; init; }

    public static RealtimeResponse From(Sample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        return new RealtimeResponse(sample);
    }
}
