using P1Telemetry.Contracts.Wire;

namespace P1Telemetry.Server.Storage;

/// <summary>Normalizes a batch before it is stored: one device, microsecond instants, ordered by ts.</summary>
internal static class SampleBatch
{
    public static Sample[] Prepare(string deviceId, IReadOnlyList<Sample> samples)
    {
        var prepared = new Sample[samples.Count];
        for (var i = 0; i < prepared.Length; i++)
        {
            var sample = samples[i];
            if (!string.Equals(sample.DeviceId, deviceId, StringComparison.Ordinal))
            {
                throw new ArgumentException($"Sample {i} belongs to another device than {deviceId}.", nameof(samples));
            }

            prepared[i] = sample with
            {
                Ts = StorageTime.Truncate(sample.Ts),
                MonthlyPowerPeakTs = sample.MonthlyPowerPeakTs is { } peakTs ? StorageTime.Truncate(peakTs) : null,
                GasTs = sample.GasTs is { } gasTs ? StorageTime.Truncate(gasTs) : null,
            };
        }

        // Stable, so that among equal timestamps the first one sent is the one kept.
        return [.. prepared.OrderBy(s => s.Ts)];
    }
}
