using System.Text.Json;
using Microsoft.Extensions.Logging;
using P1Telemetry.Edge.Health;
using P1Telemetry.Edge.Spooling;

namespace P1Telemetry.Edge.Uploading;

public enum UploadStepKind
{
    /// <summary>The spool is empty.</summary>
    Idle,

    /// <summary>A batch went through (possibly minus quarantined samples).</summary>
    Uploaded,

    /// <summary>The server wants smaller batches; try again at once.</summary>
    Resized,

    /// <summary>Server down, timeout, network: back off.</summary>
    Retry,

    /// <summary>The server refused the token: keep everything, retry slowly.</summary>
    Unauthorized,

    /// <summary>Samples lie too far in the server's future: keep them, report the skew, back off.</summary>
    ClockSkew,

    /// <summary>A redirect or a 404: <c>VPS_INGEST_URL</c> is wrong; keep everything, back off.</summary>
    Misdirected,
}

public sealed record UploadStep(UploadStepKind Kind, int Uploaded = 0, int Quarantined = 0, bool MoreWaiting = false, string? Reason = null);

/// <summary>
/// One upload step: peek the oldest samples, POST them, ack only what a parsed
/// ingest answer confirmed in full. A 422 for invalid samples is bisected down to the offending samples, which
/// move to the quarantine table while the rest is uploaded; a 422 for clock skew quarantines nothing (the
/// samples are fine, a clock is not); a 413 halves the batch size. While a backlog remains, <see cref="BatchesInFlight"/>
/// batches are posted at once, each acked on its own 2xx.
/// </summary>
public sealed class BatchUploader(SampleSpool spool, IngestClient client, DeviceIdentity identity, HealthMonitor health,
    int maxBatchSize, ILogger<BatchUploader> logger)
{
    /// <summary>
    /// Batches posted at once while a backlog drains. With one, the edge, the server and its database work in
    /// turn; with two, one batch is parsed while the previous one is stored (EdgeBench drain into a just-started
    /// server with PostgreSQL: see README). The server ignores duplicates, so a batch acked before an older one
    /// that failed is harmless: the older one is simply sent again.
    /// </summary>
    public const int BatchesInFlight = 2;

    public int BatchSize { get; private set; } = maxBatchSize;

    /// <summary>At start: check a configured <c>DEVICE_ID</c> against the server, or learn it, before any upload.</summary>
    public Task<string?> ResolveDeviceIdAsync(CancellationToken cancellationToken) => identity.ResolveAsync(cancellationToken);

    public async Task<UploadStep> UploadNextAsync(CancellationToken cancellationToken)
    {
        var batch = await spool.PeekAsync(BatchSize * BatchesInFlight, cancellationToken);
        if (batch.Count == 0)
        {
            return new UploadStep(UploadStepKind.Idle);
        }

        var deviceId = await identity.ResolveAsync(cancellationToken);
        if (deviceId is null)
        {
            var failure = identity.LastFailure;
            var reason = "the device id is not known yet: " + failure?.Detail;
            health.RecordUploadFailure(reason);
            return new UploadStep(failure?.Status == ReplyStatus.Unauthorized ? UploadStepKind.Unauthorized : UploadStepKind.Retry, Reason: reason);
        }

        var parts = batch.Chunk(BatchSize).ToArray();
        var tallies = parts.Select(_ => new Tally()).ToArray();
        var stops = await Task.WhenAll(parts.Select((part, i) => SendAsync(part, deviceId, tallies[i], cancellationToken)));
        var tally = Tally.Sum(tallies);
        var moreWaiting = batch.Count == BatchSize * BatchesInFlight;
        if (tally.Uploaded > 0 || tally.Quarantined > 0)
        {
            // Quarantined samples did not reach the server: only delivered ones count as an upload.
            if (tally.Uploaded > 0)
            {
                health.RecordUpload();
            }

            logger.Uploaded(tally.Uploaded, tally.Inserted, tally.Duplicates, tally.Quarantined, moreWaiting);
        }

        // The oldest batch that failed decides what happens next; the others were acked or will be sent again.
        var failed = Array.FindIndex(stops, result => result is not null);
        if (failed < 0)
        {
            return new UploadStep(UploadStepKind.Uploaded, tally.Uploaded, tally.Quarantined, MoreWaiting: moreWaiting);
        }

        var stop = stops[failed]!;
        health.RecordUploadFailure(stop.Detail);
        switch (stop.Status)
        {
            case ReplyStatus.TooLarge when BatchSize > 1:
                BatchSize = Math.Max(1, Math.Min(BatchSize, parts[failed].Length) / 2);
                logger.BatchTooLarge(BatchSize);
                return new UploadStep(UploadStepKind.Resized, tally.Uploaded, tally.Quarantined, Reason: stop.Detail);
            case ReplyStatus.Unauthorized:
                return new UploadStep(UploadStepKind.Unauthorized, tally.Uploaded, tally.Quarantined, Reason: stop.Detail);
            case ReplyStatus.ClockSkew:
                health.RecordClockSkew(stop.ClockSkew, stop.ServerTime);
                return new UploadStep(UploadStepKind.ClockSkew, tally.Uploaded, tally.Quarantined, Reason: DescribeSkew(stop));
            case ReplyStatus.Misdirected:
                return new UploadStep(UploadStepKind.Misdirected, tally.Uploaded, tally.Quarantined, Reason: stop.Detail);
            default:
                return new UploadStep(UploadStepKind.Retry, tally.Uploaded, tally.Quarantined, Reason: stop.Detail);
        }
    }

    /// <summary>Sends <paramref name="items"/>; returns null when every one was acked or quarantined.</summary>
    private async Task<ServerReply?> SendAsync(IReadOnlyList<SpooledSample> items, string deviceId, Tally tally, CancellationToken cancellationToken)
    {
        ServerReply result;
        try
        {
            result = await client.PostAsync(IngestClient.BuildBody(items, deviceId), items.Count, cancellationToken);
        }
        catch (JsonException ex)
        {
            // A spool row that no longer parses is isolated the same way as one the server rejects.
            result = new ServerReply(ReplyStatus.Rejected, null, "the spooled sample is not valid JSON: " + ex.Message);
        }

        switch (result.Status)
        {
            case ReplyStatus.Accepted:
                await spool.AckAsync(Ids(items), cancellationToken);
                tally.Uploaded += items.Count;
                tally.Inserted += result.Response?.Inserted ?? 0;
                tally.Duplicates += result.Response?.Duplicates ?? 0;
                return null;
            case ReplyStatus.Rejected when items.Count == 1:
                var reason = "rejected by the server: " + result.Detail;
                await spool.QuarantineSpooledAsync(Ids(items), reason, cancellationToken);
                logger.SampleRejected(reason);
                tally.Quarantined++;
                return null;
            case ReplyStatus.Rejected:
                var half = items.Count / 2;
                var first = await SendAsync(Slice(items, 0, half), deviceId, tally, cancellationToken);
                return first ?? await SendAsync(Slice(items, half, items.Count - half), deviceId, tally, cancellationToken);
            case ReplyStatus.ClockSkew:
                return result with { ClockSkew = result.ServerTime is { } serverTime ? NewestTs(items) - serverTime : null };
            default:
                return result;
        }
    }

    private static string DescribeSkew(ServerReply result) =>
        result.ClockSkew is { } skew
            ? $"the server refuses samples up to {skew.TotalSeconds:0} s ahead of its clock ({result.ServerTime:O}); they stay spooled: check the clocks of the edge and the server (NTP)"
            : "the server refuses samples as too far ahead of its clock; they stay spooled: check the clocks of the edge and the server (NTP)";

    /// <summary>The newest timestamp of a batch (the one furthest ahead of the server, on this rare path only).</summary>
    private static DateTimeOffset? NewestTs(IReadOnlyList<SpooledSample> items)
    {
        DateTimeOffset? newest = null;
        foreach (var item in items)
        {
            try
            {
                var ts = SampleSpool.Deserialize(item.Payload, "x").Ts;
                newest = newest is { } n && n >= ts ? n : ts;
            }
            catch (JsonException)
            {
                // An unreadable row says nothing about the clock.
            }
        }

        return newest;
    }

    private static List<SpooledSample> Slice(IReadOnlyList<SpooledSample> items, int start, int count)
    {
        var slice = new List<SpooledSample>(count);
        for (var i = start; i < start + count; i++)
        {
            slice.Add(items[i]);
        }

        return slice;
    }

    private static long[] Ids(IReadOnlyList<SpooledSample> items)
    {
        var ids = new long[items.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = items[i].Id;
        }

        return ids;
    }

    private sealed class Tally
    {
        public static Tally Sum(IEnumerable<Tally> tallies) => tallies.Aggregate(new Tally(), (sum, t) => new Tally
        {
            Uploaded = sum.Uploaded + t.Uploaded,
            Quarantined = sum.Quarantined + t.Quarantined,
            Inserted = sum.Inserted + t.Inserted,
            Duplicates = sum.Duplicates + t.Duplicates,
        });

        public int Uploaded { get; set; }

        public int Quarantined { get; set; }

        public int Inserted { get; set; }

        public int Duplicates { get; set; }
    }
}
