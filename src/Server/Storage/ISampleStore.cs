using P1Telemetry.Contracts.Wire;

namespace P1Telemetry.Server.Storage;

/// <summary>
/// Durable storage of raw samples and of the <c>quarter_hours</c> rollup, which every implementation keeps
/// exact in the same transaction as the raw insert.
/// </summary>
public interface ISampleStore
{
    /// <summary>Which backend this is, as reported by health ("postgresql" or "sqlite").</summary>
    string Backend { get; }

    /// <summary>
    /// Stores the samples of one device. Rows whose <c>(device_id, ts)</c> already exist are left untouched
    /// and counted as duplicates; only the rows actually inserted feed the rollup.
    /// </summary>
    Task<AppendResult> AppendAsync(string deviceId, IReadOnlyList<Sample> samples, CancellationToken cancellationToken);

    /// <summary>The device's sample with the highest timestamp, or null when it has none.</summary>
    Task<Sample?> GetLatestAsync(string deviceId, CancellationToken cancellationToken);

    /// <summary>The rollup rows whose slot start lies in [<paramref name="fromUtc"/>, <paramref name="toUtc"/>), ordered by start.</summary>
    Task<IReadOnlyList<QuarterHourRow>> GetQuarterHoursAsync(
        string deviceId, DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken cancellationToken);

    /// <summary>The raw samples with ts in [<paramref name="fromUtc"/>, <paramref name="toUtc"/>), ordered by ts, streamed.</summary>
    IAsyncEnumerable<Sample> StreamSamplesAsync(
        string deviceId, DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken cancellationToken);

    /// <summary>Throws when the database cannot answer a trivial query.</summary>
    Task CheckHealthAsync(CancellationToken cancellationToken);
}
