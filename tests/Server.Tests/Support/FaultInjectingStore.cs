using Microsoft.Extensions.DependencyInjection;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.Server.Storage;

namespace P1Telemetry.Server.Tests.Support;

/// <summary>
/// The server's real store with switches that fail a call the way a crash, a lost database connection or a
/// client abort would, and counters of the reads the read path makes.
/// </summary>
public sealed class FaultInjectingStore(ISampleStore inner) : ISampleStore, IDisposable
{
    private int _quarterHourReads;

    /// <summary>The next append commits, then throws (the process or the connection dies right after the commit).</summary>
    public bool FailAfterNextAppend { get; set; }

    /// <summary>The next read of the latest sample throws.</summary>
    public bool FailNextLatestRead { get; set; }

    public int QuarterHourReads => Volatile.Read(ref _quarterHourReads);

    public string Backend => inner.Backend;

    /// <summary>Replaces the server's <see cref="ISampleStore"/> by one wrapping it, also registered as itself.</summary>
    public static void Install(IServiceCollection services)
    {
        var original = services.Last(d => d.ServiceType == typeof(ISampleStore));
        services.Remove(original);
        services.AddSingleton(sp => new FaultInjectingStore((ISampleStore)original.ImplementationFactory!(sp)));
        services.AddSingleton<ISampleStore>(sp => sp.GetRequiredService<FaultInjectingStore>());
    }

    public async Task<AppendResult> AppendAsync(string deviceId, IReadOnlyList<Sample> samples, CancellationToken cancellationToken)
    {
        var result = await inner.AppendAsync(deviceId, samples, cancellationToken);
        if (FailAfterNextAppend)
        {
            FailAfterNextAppend = false;
            throw new InvalidOperationException("Injected failure right after the commit.");
        }

        return result;
    }

    public Task<Sample?> GetLatestAsync(string deviceId, CancellationToken cancellationToken)
    {
        if (FailNextLatestRead)
        {
            FailNextLatestRead = false;
            throw new InvalidOperationException("Injected failure of the latest-sample read.");
        }

        return inner.GetLatestAsync(deviceId, cancellationToken);
    }

    public Task<IReadOnlyList<QuarterHourRow>> GetQuarterHoursAsync(
        string deviceId, DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _quarterHourReads);
        return inner.GetQuarterHoursAsync(deviceId, fromUtc, toUtc, cancellationToken);
    }

    public IAsyncEnumerable<Sample> StreamSamplesAsync(
        string deviceId, DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken cancellationToken) =>
        inner.StreamSamplesAsync(deviceId, fromUtc, toUtc, cancellationToken);

    public Task CheckHealthAsync(CancellationToken cancellationToken) => inner.CheckHealthAsync(cancellationToken);

    public void Dispose() => (inner as IDisposable)?.Dispose();
}
