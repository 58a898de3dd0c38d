using P1Telemetry.Contracts.Domain;

namespace P1Telemetry.Server.MeterPeaks;

/// <summary>A month of the meter's own peak history as stored.</summary>
public sealed record StoredMeterPeak(LocalMonth Month, int PeakW, DateTimeOffset PeakTs);

/// <summary>The latest stale-data signals of a device's meter.</summary>
public sealed record StoredMeterState(string? Source, bool ClockStalled, bool BelgianFieldsMissing, DateTimeOffset ObservedAt);

/// <summary>The meter's own monthly peaks (0-0:98.1.0) beside the computed ones, in the same database as the samples.</summary>
public interface IMeterPeakStore
{
    /// <summary>Inserts or replaces each month (idempotent) and the state, in one transaction.</summary>
    Task UpsertAsync(string deviceId, IReadOnlyList<StoredMeterPeak> peaks, StoredMeterState? state, DateTimeOffset receivedAt,
        CancellationToken cancellationToken);

    /// <summary>The stored months in [<paramref name="first"/>, <paramref name="last"/>].</summary>
    Task<IReadOnlyDictionary<LocalMonth, StoredMeterPeak>> GetAsync(string deviceId, LocalMonth first, LocalMonth last,
        CancellationToken cancellationToken);

    Task<StoredMeterState?> GetStateAsync(string deviceId, CancellationToken cancellationToken);
}
