using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.Server.Caching;
using P1Telemetry.Server.ReadPath;
using static P1Telemetry.Server.Tests.ReadPath.ReadSamples;

namespace P1Telemetry.Server.Tests.Caching;

public sealed class CacheInvalidationTests
{
    // 10:00Z on 15 March is 11:00 in Brussels: today started at 23:00Z; settled periods end by then.
    private readonly FakeTimeProvider _clock = new(Utc("2026-03-15T10:00:00Z"));

    [Fact]
    public async Task Only_samples_that_can_touch_a_settled_period_renew_the_history_stamp()
    {
        var stamps = new InProcessDeviceStampStore();
        var invalidation = Invalidation(stamps);
        var before = await stamps.ReadAsync("meter-1", default);

        await invalidation.IngestCommittedAsync("meter-1", [Sample(Utc("2026-03-14T23:15:00Z"))], default);
        var live = await stamps.ReadAsync("meter-1", default);
        Assert.Equal(before.History, live.History);
        Assert.NotEqual(before.Live, live.Live);

        // A reading in the first quarter of today can move the register interpolated at midnight.
        await invalidation.IngestCommittedAsync("meter-1", [Sample(Utc("2026-03-14T23:14:59Z"))], default);
        Assert.NotEqual(live.History, (await stamps.ReadAsync("meter-1", default)).History);
    }

    [Fact]
    public async Task A_renewal_that_failed_is_made_up_by_the_next_one_that_succeeds()
    {
        var stamps = new UnreachableUntilToldStampStore();
        var invalidation = Invalidation(stamps);
        var before = await stamps.ReadAsync("meter-1", default);

        stamps.Reachable = false;
        await invalidation.IngestCommittedAsync("meter-1", [Sample(Utc("2026-02-10T12:00:00Z"))], default);
        await invalidation.IngestCommittedAsync("meter-2", [Sample(Utc("2026-03-15T09:59:00Z"))], default);
        Assert.Equal(before, await stamps.ReadAsync("meter-1", default));

        stamps.Reachable = true;
        await invalidation.IngestCommittedAsync("meter-3", [Sample(Utc("2026-03-15T09:59:00Z"))], default);
        var after = await stamps.ReadAsync("meter-1", default);
        Assert.NotEqual(before.History, after.History);
        Assert.NotEqual(before.Live, after.Live);
        Assert.Equal(3, stamps.Renewed.Count);
    }

    private CacheInvalidation Invalidation(DeviceStampStore stamps)
    {
        var settings = new ReadPathSettings(Options.Create(new CapacityOptions()));
        var history = new HistoryCache(null!, _clock, settings);
        return new CacheInvalidation(stamps, history, new CacheStatus(null), NullLogger<CacheInvalidation>.Instance);
    }

    private static Sample Sample(DateTimeOffset ts) => new()
    {
        DeviceId = "meter-1",
        Ts = ts,
        PowerW = 100,
        ImportPowerW = 100,
        EnergyImportKwh = 1,
        EnergyExportKwh = 0,
    };

    /// <summary>The in-process store, except that it fails like an unreachable Redis while told so.</summary>
    private sealed class UnreachableUntilToldStampStore : DeviceStampStore
    {
        private readonly InProcessDeviceStampStore _inner = new();

        public bool Reachable { get; set; } = true;

        public HashSet<string> Renewed { get; } = [];

        public override Task<DeviceStamps> ReadAsync(string deviceId, CancellationToken cancellationToken) => _inner.ReadAsync(deviceId, cancellationToken);

        public override Task RenewAsync(string deviceId, bool history, CancellationToken cancellationToken)
        {
            if (!Reachable)
            {
                throw new StackExchange.Redis.RedisConnectionException(StackExchange.Redis.ConnectionFailureType.UnableToConnect, "down");
            }

            Renewed.Add(deviceId);
            return _inner.RenewAsync(deviceId, history, cancellationToken);
        }
    }
}
