using System.Globalization;
using System.Text;
using System.Text.Json;
using P1Telemetry.Edge.Normalization;
using P1Telemetry.Edge.Spooling;

namespace P1Telemetry.Edge.Commands;

/// <summary>
/// <c>p1-edge quarantine list|requeue</c>: shows what was quarantined and why, and moves entries that are
/// samples back into the spool (behind what waits, in their quarantine order) for the daemon to send again.
/// Raw readings that never became a sample stay: sending them would only quarantine them again.
/// </summary>
public sealed class QuarantineCommand(TextWriter output, TextWriter error, TimeProvider time)
{
    private const int _requeueChunk = 10_000;

    public async Task<int> ListAsync(string spoolPath, bool json, int limit, CancellationToken cancellationToken)
    {
        if (limit < 1)
        {
            await error.WriteLineAsync("--limit must be at least 1.");
            return 2;
        }

        using var spool = SampleSpool.Open(spoolPath, time);
        var total = await spool.QuarantineCountAsync(cancellationToken);
        var items = await spool.ReadQuarantineAsync(limit, cancellationToken);
        if (json)
        {
            await output.WriteLineAsync(ToJson(total, items));
            return 0;
        }

        foreach (var item in items)
        {
            var sample = ReadSample(item, out _);
            var kind = sample is null ? "reading" : "sample " + sample.Ts.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{item.Id}\t{item.QuarantinedAt:yyyy-MM-dd'T'HH:mm:ss'Z'}\t{kind}\t{item.Reason}"));
            await output.WriteLineAsync("\t" + Shorten(item.Payload));
        }

        await output.WriteLineAsync(total == 0
            ? $"The quarantine of {spoolPath} is empty."
            : $"{items.Count} of {total} quarantined entries shown{(items.Count < total ? " (--limit for more)" : "")}. 'p1-edge quarantine requeue <id>...' or '--all' sends samples again.");
        return 0;
    }

    public async Task<int> RequeueAsync(string spoolPath, bool all, IReadOnlyList<long> ids, CancellationToken cancellationToken)
    {
        if (all == (ids.Count > 0))
        {
            await error.WriteLineAsync("Name the entries to requeue (their ids, from 'p1-edge quarantine list') or pass --all, not both.");
            return 2;
        }

        using var spool = SampleSpool.Open(spoolPath, time);
        var selected = all
            ? await spool.ReadQuarantineAsync(int.MaxValue, cancellationToken)
            : await spool.ReadQuarantineAsync(int.MaxValue, cancellationToken, ids.Distinct().ToList());
        var requeue = new List<long>(selected.Count);
        var kept = 0;
        foreach (var item in selected)
        {
            if (ReadSample(item, out var why) is null)
            {
                kept++;
                await output.WriteLineAsync($"Entry {item.Id} stays quarantined: {why}.");
            }
            else
            {
                requeue.Add(item.Id);
            }
        }

        var missing = all ? [] : ids.Distinct().Except(selected.Select(i => i.Id)).ToList();
        foreach (var id in missing)
        {
            await output.WriteLineAsync($"There is no quarantine entry {id}.");
        }

        var moved = 0;
        foreach (var chunk in requeue.Chunk(_requeueChunk))
        {
            moved += await spool.RequeueAsync(chunk, cancellationToken);
        }

        await output.WriteLineAsync($"Requeued {moved} samples into {spoolPath} ({await spool.CountAsync(cancellationToken)} now wait for the daemon to upload); {await spool.QuarantineCountAsync(cancellationToken)} entries stay quarantined.");
        return kept == 0 && missing.Count == 0 ? 0 : 1;
    }

    /// <summary>The sample an entry holds when it can be sent again; otherwise null and why not.</summary>
    private static Contracts.Wire.Sample? ReadSample(QuarantinedItem item, out string why)
    {
        try
        {
            var sample = SampleSpool.Deserialize(item.Payload, "");
            if (SampleLimits.Problem(sample) is { } problem)
            {
                why = problem;
                return null;
            }

            why = "";
            return sample;
        }
        catch (JsonException)
        {
            why = "it is a raw reading that never became a sample, not something the server could take";
            return null;
        }
    }

    private static string ToJson(long total, IReadOnlyList<QuarantinedItem> items)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("total", total);
            writer.WriteStartArray("entries");
            foreach (var item in items)
            {
                var sample = ReadSample(item, out var why);
                writer.WriteStartObject();
                writer.WriteNumber("id", item.Id);
                writer.WriteString("quarantined_at", item.QuarantinedAt);
                writer.WriteString("reason", item.Reason);
                writer.WriteBoolean("requeueable", sample is not null);
                if (sample is null)
                {
                    writer.WriteString("not_requeueable_because", why);
                }
                else
                {
                    writer.WriteString("ts", sample.Ts);
                }

                writer.WriteString("payload", item.Payload);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Shorten(string payload)
    {
        var flat = payload.ReplaceLineEndings(" ");
        return flat.Length <= 300 ? flat : flat[..300] + "…";
    }
}
