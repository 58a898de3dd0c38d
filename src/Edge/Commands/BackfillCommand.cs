using P1Telemetry.Contracts.Wire;
using P1Telemetry.Edge.Normalization;
using P1Telemetry.Edge.Spooling;

namespace P1Telemetry.Edge.Commands;

/// <summary>
/// Loads the simulator's history CSV into the spool in large transactions, showing progress; the daemon uploads
/// the samples afterwards. Rows that do not parse go to the quarantine table with the line number.
/// </summary>
public sealed class BackfillCommand(TextWriter output, TextWriter progress, TimeProvider time)
{
    private const int _chunkSize = 10_000;

    public async Task<int> RunAsync(string csvPath, string spoolPath, CancellationToken cancellationToken)
    {
        if (!File.Exists(csvPath))
        {
            await output.WriteLineAsync($"'{csvPath}' does not exist.");
            return 2;
        }

        using var spool = SampleSpool.Open(spoolPath, time);
        using var reader = new StreamReader(csvPath);
        var header = await reader.ReadLineAsync(cancellationToken);
        HistoryCsv csv;
        try
        {
            csv = HistoryCsv.FromHeader(header ?? "");
        }
        catch (InvalidReadingException ex)
        {
            await output.WriteLineAsync($"'{csvPath}' is not a history CSV: {ex.Message}");
            return 2;
        }

        var total = new FileInfo(csvPath).Length;
        var chunk = new List<Sample>(_chunkSize);
        long enqueued = 0, quarantined = 0, lineNumber = 1;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            try
            {
                chunk.Add(csv.Parse(line));
            }
            catch (InvalidReadingException ex)
            {
                await spool.QuarantineAsync($"backfill line {lineNumber}: {ex.Message}", line, cancellationToken);
                quarantined++;
            }

            if (chunk.Count == _chunkSize)
            {
                enqueued += await spool.EnqueueManyAsync(chunk, cancellationToken);
                chunk.Clear();
                await ReportAsync(enqueued, reader.BaseStream.Position, total);
            }
        }

        enqueued += await spool.EnqueueManyAsync(chunk, cancellationToken);
        await ReportAsync(enqueued, total, total);
        await progress.WriteLineAsync();
        await output.WriteLineAsync($"Spooled {enqueued} samples from '{csvPath}' ({quarantined} rows quarantined); {await spool.CountAsync(cancellationToken)} samples now wait in {spoolPath} for the daemon to upload.");
        return 0;
    }

    private async Task ReportAsync(long enqueued, long position, long total)
    {
        var percent = total == 0 ? 100 : 100.0 * position / total;
        await progress.WriteAsync($"\rBackfill: {enqueued} samples spooled ({percent:0}%)");
    }
}
