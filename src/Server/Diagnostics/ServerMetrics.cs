using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace P1Telemetry.Server.Diagnostics;

/// <summary>
/// The server's own instruments, all on the meter <see cref="MeterName"/>; <c>GET /metrics</c> exports every
/// instrument of that meter, so a feature that creates one there needs no further wiring.
/// </summary>
public sealed class ServerMetrics
{
    public const string MeterName = "P1Telemetry.Server";

    // Seconds; an ingest is one transaction, normally milliseconds, seconds only while the database struggles.
    private static readonly double[] LatencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    // Samples per batch: 1 to 5 for a live edge, thousands while a backlog drains (MAX_BATCH_SAMPLES caps it).
    private static readonly long[] BatchBuckets = [1, 5, 10, 50, 100, 500, 1000, 2500, 5000, 10000, 50000];

    private readonly Counter<long> _ingestRequests;
    private readonly Counter<long> _samples;
    private readonly Histogram<long> _batchSize;
    private readonly Histogram<double> _ingestDuration;
    private readonly Counter<long> _databaseErrors;
    private readonly Counter<long> _cacheLookups;
    private readonly UpDownCounter<long> _liveStreams;

    public ServerMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        Meter = meterFactory.Create(MeterName);
        _ingestRequests = Meter.CreateCounter<long>("p1.ingest.requests", "{request}",
            "Ingest requests answered, by outcome (stored, rejected, failed) and HTTP status.");
        _samples = Meter.CreateCounter<long>("p1.ingest.samples", "{sample}",
            "Samples of stored batches: result=inserted for new rows, duplicate for rows already held.");
        _batchSize = Meter.CreateHistogram("p1.ingest.batch.size", "{sample}", "Samples per well-formed ingest batch.",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = BatchBuckets });
        _ingestDuration = Meter.CreateHistogram("p1.ingest.duration", "s", "Time to answer an ingest request.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _databaseErrors = Meter.CreateCounter<long>("p1.database.errors", "{error}",
            "Database failures, by where they surfaced (request, health, ingest_unconfirmed, metrics).");
        _cacheLookups = Meter.CreateCounter<long>("p1.cache.lookups", "{lookup}",
            "Cache reads by cache kind (memory, redis) and result (hit, miss, error).");
        _liveStreams = Meter.CreateUpDownCounter<long>("p1.live.streams", "{stream}",
            "Server-Sent Event streams (GET /v1/live) open on this replica.");
    }

    /// <summary>The meter of the server's instruments, for features that add their own.</summary>
    public Meter Meter { get; }

    public void IngestAnswered(int status, TimeSpan elapsed)
    {
        var outcome = status switch
        {
            < 300 => "stored",
            < 500 => "rejected",
            _ => "failed",
        };
        var tags = new TagList { { "outcome", outcome }, { "status", StatusText(status) } };
        _ingestRequests.Add(1, tags);
        _ingestDuration.Record(elapsed.TotalSeconds, tags);
    }

    public void BatchReceived(int samples) => _batchSize.Record(samples);

    public void SamplesStored(int inserted, int duplicates)
    {
        _samples.Add(inserted, new KeyValuePair<string, object?>("result", "inserted"));
        _samples.Add(duplicates, new KeyValuePair<string, object?>("result", "duplicate"));
    }

    public void DatabaseError(string source) => _databaseErrors.Add(1, new KeyValuePair<string, object?>("source", source));

    public void CacheLookup(string kind, string result) =>
        _cacheLookups.Add(1, new KeyValuePair<string, object?>("cache", kind), new KeyValuePair<string, object?>("result", result));

    public void LiveStreamOpened() => _liveStreams.Add(1);

    public void LiveStreamClosed() => _liveStreams.Add(-1);

    // The few statuses ingest answers with; interned so that a request allocates no label string.
    private static string StatusText(int status) => status switch
    {
        200 => "200",
        400 => "400",
        401 => "401",
        403 => "403",
        413 => "413",
        415 => "415",
        422 => "422",
        499 => "499",
        500 => "500",
        503 => "503",
        _ => status.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
