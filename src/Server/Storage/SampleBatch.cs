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

            prepared[i] = IsTruncated(sample) ? sample : sample with
            {
                Ts = StorageTime.Truncate(sample.Ts),
                MonthlyPowerPeakTs = sample.MonthlyPowerPeakTs is { } peakTs ? StorageTime.Truncate(peakTs) : null,
                GasTs = sample.GasTs is { } gasTs ? StorageTime.Truncate(gasTs) : null,
            };
        }

        // Stable sort, then only the first sample of each timestamp is kept: the one sent first wins, as it
        // does across batches, and the database never sees the same key twice in one statement.
        var ordered = IsOrdered(prepared) ? prepared : prepared.OrderBy(s => s.Ts).ToArray();
        var unique = new List<Sample>(ordered.Length);
        foreach (var sample in ordered)
        {
            if (unique.Count == 0 || unique[^1].Ts != sample.Ts)
            {
                unique.Add(sample);
            }
        }

        return unique.Count == ordered.Length ? ordered : [.. unique];
    }

    private static bool IsOrdered(Sample[] samples)
    {
        for (var i = 1; i < samples.Length; i++)
        {
            if (samples[i].Ts < samples[i - 1].Ts)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsTruncated(Sample sample) =>
        IsStorable(sample.Ts)
        && (sample.MonthlyPowerPeakTs is not { } peak || IsStorable(peak))
        && (sample.GasTs is not { } gas || IsStorable(gas));

    private static bool IsStorable(DateTimeOffset instant) =>
        instant.Offset == TimeSpan.Zero && instant.UtcTicks % TimeSpan.TicksPerMicrosecond == 0;
}
