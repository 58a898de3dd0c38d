using P1Telemetry.Contracts.Wire;

namespace P1Telemetry.Edge.Uploading;

/// <summary>What a reply of the server means for the request that got it.</summary>
public enum ReplyStatus
{
    /// <summary>A parsed ingest answer confirmed every sample sent (inserted + duplicates).</summary>
    Accepted,
    Transient,
    Unauthorized,
    TooLarge,

    /// <summary>422 with at least one sample that is itself invalid: bisect and quarantine.</summary>
    Rejected,

    /// <summary>422 because samples lie too far in the server's future: keep them and retry.</summary>
    ClockSkew,

    /// <summary>A 2xx that is not an ingest answer confirming every sample (a proxy page, a wrong count).</summary>
    Unconfirmed,

    /// <summary>A 3xx or a 404: <c>VPS_INGEST_URL</c> does not point at the ingest endpoint.</summary>
    Misdirected,
    Failed,
}

/// <summary>
/// The server's reply to one request of the edge (an ingest, <c>/v1/me</c>, meter peaks); for <see cref="ReplyStatus.ClockSkew"/>, <c>ServerTime</c> is the server's clock
/// when it refused and <c>ClockSkew</c> the newest sample's ts minus that time.
/// </summary>
public sealed record ServerReply(ReplyStatus Status, int? HttpStatus, string Detail, IngestResponse? Response = null,
    DateTimeOffset? ServerTime = null, TimeSpan? ClockSkew = null);
