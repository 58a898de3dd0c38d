using Microsoft.Extensions.Time.Testing;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.Server.Caching;
using P1Telemetry.Server.Tests.Support;
using P1Telemetry.TestInfrastructure;
using StackExchange.Redis;

namespace P1Telemetry.Server.Tests.Caching;

/// <summary>The behaviour the read cache must have; run in memory and with Redis for its stamps and second level.</summary>
public abstract class CacheContractTests : IAsyncLifetime
{
    /// <summary>A period that ended well before the test clock's day: its values are cached.</summary>
    protected static readonly DateTimeOffset SettledEnd = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    protected static readonly DateTimeOffset Now = new(2026, 3, 15, 10, 0, 0, TimeSpan.Zero);

    protected ReadCaches Caches { get; set; } = null!;

    public abstract Task InitializeAsync();

    public abstract Task DisposeAsync();

    /// <summary>Lets at least <paramref name="duration"/> pass on the cache's clock.</summary>
    protected abstract Task LetTimePassAsync(TimeSpan duration);

    protected static async Task<int> ReadSettledAsync(ReadCaches caches, string device, string key, Func<int> compute) =>
        (await caches.History.GetOrCreateAsync(device, key, SettledEnd, _ => Task.FromResult(new[] { (byte)compute() }), default))[0];

    protected static Sample Reading(string device, DateTimeOffset ts) => new()
    {
        DeviceId = device,
        Ts = ts,
        PowerW = 100,
        ImportPowerW = 100,
        EnergyImportKwh = 1,
        EnergyExportKwh = 0,
    };

    [Fact]
    public async Task A_device_keeps_its_stamps_until_they_are_renewed()
    {
        var device = $"d-{Guid.NewGuid():N}";
        var first = await Caches.Stamps.ReadAsync(device, default);
        Assert.Equal(first, await Caches.Stamps.ReadAsync(device, default));
        Assert.NotEqual(first.History, first.Live);

        await Caches.Stamps.RenewAsync(device, history: false, default);
        var live = await Caches.Stamps.ReadAsync(device, default);
        Assert.Equal(first.History, live.History);
        Assert.NotEqual(first.Live, live.Live);

        await Caches.Stamps.RenewAsync(device, history: true, default);
        var both = await Caches.Stamps.ReadAsync(device, default);
        Assert.NotEqual(live.History, both.History);
        Assert.NotEqual(live.Live, both.Live);
        Assert.NotEqual(first, await Caches.Stamps.ReadAsync($"other-{device}", default));
    }

    [Fact]
    public async Task A_settled_value_is_computed_once_and_again_only_after_a_backlog_or_a_change_of_the_device()
    {
        var device = $"d-{Guid.NewGuid():N}";
        var computed = 0;
        Assert.Equal(1, await ReadSettledAsync(Caches, device, "month", () => ++computed));
        Assert.Equal(1, await ReadSettledAsync(Caches, device, "month", () => ++computed));

        // Today's readings cannot change a settled period.
        await Caches.Invalidation.IngestCommittedAsync(device, [Reading(device, Now)], default);
        Assert.Equal(1, await ReadSettledAsync(Caches, device, "month", () => ++computed));

        await Caches.Invalidation.IngestCommittedAsync(device, [Reading(device, SettledEnd)], default);
        Assert.Equal(2, await ReadSettledAsync(Caches, device, "month", () => ++computed));
        Assert.Equal(2, await ReadSettledAsync(Caches, device, "month", () => ++computed));

        await Caches.Invalidation.DeviceChangedAsync(device, default);
        Assert.Equal(3, await ReadSettledAsync(Caches, device, "month", () => ++computed));
        // Other devices keep theirs.
        Assert.Equal(10, await ReadSettledAsync(Caches, $"other-{device}", "month", () => 10));
        await Caches.Invalidation.DeviceChangedAsync(device, default);
        Assert.Equal(10, await ReadSettledAsync(Caches, $"other-{device}", "month", () => 20));
    }

    [Fact]
    public async Task A_value_up_to_now_is_computed_again_after_every_ingest()
    {
        var device = $"d-{Guid.NewGuid():N}";
        var computed = 0;
        Task<byte[]> Compute(CancellationToken _) => Task.FromResult(new[] { (byte)++computed });
        Assert.Equal([1], await Caches.History.GetOrCreateUpToNowAsync(device, "series", Compute, default));
        Assert.Equal([1], await Caches.History.GetOrCreateUpToNowAsync(device, "series", Compute, default));

        await Caches.Invalidation.IngestCommittedAsync(device, [Reading(device, Now)], default);
        Assert.Equal([2], await Caches.History.GetOrCreateUpToNowAsync(device, "series", Compute, default));
    }

    [Fact]
    public async Task A_value_expires_after_its_lifetime()
    {
        var key = $"k-{Guid.NewGuid():N}";
        var computed = 0;
        ValueTask<int> Compute(CancellationToken _) => ValueTask.FromResult(++computed);
        var lifetime = TimeSpan.FromMilliseconds(300);
        Assert.Equal(1, await Caches.Reads.GetOrCreateAsync(key, lifetime, CacheLevels.MemoryAndRedis, Compute, default));
        Assert.Equal(1, await Caches.Reads.GetOrCreateAsync(key, lifetime, CacheLevels.MemoryAndRedis, Compute, default));

        await LetTimePassAsync(TimeSpan.FromMilliseconds(600));

        Assert.Equal(2, await Caches.Reads.GetOrCreateAsync(key, lifetime, CacheLevels.MemoryAndRedis, Compute, default));
    }

    [Fact]
    public async Task Health_check_succeeds_while_the_cache_is_up() => await Caches.Status.CheckHealthAsync(default);
}

public sealed class InProcessCacheTests : CacheContractTests
{
    private readonly FakeTimeProvider _clock = new(Now);

    public override Task InitializeAsync()
    {
        Caches = new ReadCaches(_clock);
        return Task.CompletedTask;
    }

    public override Task DisposeAsync()
    {
        Caches.Dispose();
        return Task.CompletedTask;
    }

    protected override Task LetTimePassAsync(TimeSpan duration)
    {
        _clock.Advance(duration);
        return Task.CompletedTask;
    }
}

public sealed class RedisCacheTests : CacheContractTests
{
    private readonly FakeTimeProvider _clock = new(Now);
    private RedisInstance? _redis;
    private ConnectionMultiplexer? _connection;

    public override async Task InitializeAsync()
    {
        _redis = await RedisInstance.StartAsync();
        _connection = await ConnectAsync();
        Caches = new ReadCaches(_clock, _connection);
    }

    public override async Task DisposeAsync()
    {
        Caches.Dispose();
        await _connection!.DisposeAsync();
        await _redis!.DisposeAsync();
    }

    // Memory expires on the injected clock, Redis on its own.
    protected override async Task LetTimePassAsync(TimeSpan duration)
    {
        _clock.Advance(duration);
        await Task.Delay(duration);
    }

    private async Task<ConnectionMultiplexer> ConnectAsync()
    {
        Assert.True(RedisUrl.TryParse(_redis!.Url, out var options, out var error), error);
        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    [Fact]
    public async Task A_replica_never_serves_from_its_memory_what_another_replica_made_stale()
    {
        await using var other = await ConnectAsync();
        using var replica2 = new ReadCaches(_clock, other);
        var device = $"d-{Guid.NewGuid():N}";
        Assert.Equal(1, await ReadSettledAsync(replica2, device, "month", () => 1));
        Assert.Equal(1, await ReadSettledAsync(replica2, device, "month", () => 2));

        // Replica 1 stores a backlog: replica 2's next read computes, although its memory still holds the old value.
        await Caches.Invalidation.IngestCommittedAsync(device, [Reading(device, SettledEnd)], default);
        Assert.Equal(3, await ReadSettledAsync(replica2, device, "month", () => 3));

        await Caches.Invalidation.IngestCommittedAsync(device, [Reading(device, Now)], default);
        Assert.Equal(3, await ReadSettledAsync(replica2, device, "month", () => 4));
    }

    [Fact]
    public async Task A_value_one_replica_computed_serves_another_as_a_plain_redis_string()
    {
        await using var other = await ConnectAsync();
        using var replica2 = new ReadCaches(_clock, other);
        var key = $"k-{Guid.NewGuid():N}";

        Assert.Equal(7, await Caches.Reads.GetOrCreateAsync(key, TimeSpan.FromMinutes(5), CacheLevels.MemoryAndRedis, _ => ValueTask.FromResult(7), default));
        await WaitForRedisKeyAsync(key);

        Assert.Equal(7, await replica2.Reads.GetOrCreateAsync(key, TimeSpan.FromMinutes(5), CacheLevels.MemoryAndRedis, _ => ValueTask.FromResult(8), default));
        Assert.Equal(RedisType.String, await _connection!.GetDatabase().KeyTypeAsync(key));
        Assert.True(await _connection.GetDatabase().KeyTimeToLiveAsync(key) is { } ttl && ttl <= TimeSpan.FromMinutes(5));

        // A value kept in memory only never reaches Redis.
        var local = $"m-{Guid.NewGuid():N}";
        Assert.Equal(1, await Caches.Reads.GetOrCreateAsync(local, TimeSpan.FromMinutes(5), CacheLevels.MemoryOnly, _ => ValueTask.FromResult(1), default));
        Assert.Equal(2, await replica2.Reads.GetOrCreateAsync(local, TimeSpan.FromMinutes(5), CacheLevels.MemoryOnly, _ => ValueTask.FromResult(2), default));
        Assert.False(await _connection.GetDatabase().KeyExistsAsync(local));
    }

    [Fact]
    public async Task While_redis_is_down_reads_compute_fast_and_are_cached_again_after_it_returns()
    {
        var device = $"d-{Guid.NewGuid():N}";
        Assert.Equal(1, await ReadSettledAsync(Caches, device, "month", () => 1));
        await _redis!.StopAsync();

        var started = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(2, await ReadSettledAsync(Caches, device, "month", () => 2));
        Assert.Null(await Caches.Reads.StampsAsync(device, null, default));
        await Assert.ThrowsAnyAsync<Exception>(() => Caches.Status.CheckHealthAsync(default));
        await Caches.Invalidation.IngestCommittedAsync(device, [Reading(device, SettledEnd)], default);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), $"took {started.Elapsed}");

        await _redis.StartAgainAsync();
        await Eventually.TrueAsync(async () => await Caches.Reads.StampsAsync(device, null, default) is not null, "stamps after Redis came back", seconds: 20);
        Assert.Equal(3, await ReadSettledAsync(Caches, device, "month", () => 3));
        Assert.Equal(3, await ReadSettledAsync(Caches, device, "month", () => 4));
        await Caches.Status.CheckHealthAsync(default);
    }

    private async Task WaitForRedisKeyAsync(string key)
    {
        // The second level is written after the value is handed out.
        for (var i = 0; i < 100 && !await _connection!.GetDatabase().KeyExistsAsync(key); i++)
        {
            await Task.Delay(20);
        }
    }
}
