using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Time.Testing;
using P1Telemetry.Server.Caching;
using P1Telemetry.Server.Tests.Support;
using P1Telemetry.TestInfrastructure;
using StackExchange.Redis;

namespace P1Telemetry.Server.Tests.Caching;

/// <summary>The behaviour the read cache must have; run in memory and with Redis as its second level.</summary>
public abstract class CacheContractTests : IAsyncLifetime
{
    private static readonly HybridCacheEntryOptions FiveMinutes = new() { Expiration = TimeSpan.FromMinutes(5) };

    protected ReadCaches Caches { get; set; } = null!;

    public abstract Task InitializeAsync();

    public abstract Task DisposeAsync();

    /// <summary>Lets at least <paramref name="duration"/> pass on the cache's clock.</summary>
    protected abstract Task LetTimePassAsync(TimeSpan duration);

    protected static Task<int> ReadAsync(ReadCaches caches, string key, string tag, Func<int> compute, HybridCacheEntryOptions? options = null) =>
        caches.Reads.GetOrCreateAsync(key, [tag], options ?? FiveMinutes, _ => ValueTask.FromResult(compute()), default).AsTask();

    [Fact]
    public async Task A_value_is_computed_once_and_served_until_its_tag_is_dropped()
    {
        var key = $"k-{Guid.NewGuid():N}";
        var tag = $"t-{Guid.NewGuid():N}";
        var computed = 0;
        Assert.Equal(1, await ReadAsync(Caches, key, tag, () => ++computed));
        Assert.Equal(1, await ReadAsync(Caches, key, tag, () => ++computed));

        await Caches.Host.Cache.RemoveByTagAsync(tag);
        Assert.Equal(2, await ReadAsync(Caches, key, tag, () => ++computed));
        Assert.Equal(2, await ReadAsync(Caches, key, tag, () => ++computed));

        await Caches.Reads.RemoveAsync(key, default);
        Assert.Equal(3, await ReadAsync(Caches, key, tag, () => ++computed));
        await Caches.Reads.RemoveAsync(key, default);
    }

    [Fact]
    public async Task A_value_expires_after_its_time_to_live()
    {
        var key = $"k-{Guid.NewGuid():N}";
        var computed = 0;
        var shortLived = new HybridCacheEntryOptions { Expiration = TimeSpan.FromMilliseconds(300) };
        Assert.Equal(1, await ReadAsync(Caches, key, "t", () => ++computed, shortLived));
        Assert.Equal(1, await ReadAsync(Caches, key, "t", () => ++computed, shortLived));

        await LetTimePassAsync(TimeSpan.FromMilliseconds(600));

        Assert.Equal(2, await ReadAsync(Caches, key, "t", () => ++computed, shortLived));
    }

    [Fact]
    public async Task Tags_are_independent()
    {
        var a = $"a-{Guid.NewGuid():N}";
        var b = $"b-{Guid.NewGuid():N}";
        await ReadAsync(Caches, a, $"{a}-tag", () => 1);
        await ReadAsync(Caches, b, $"{b}-tag", () => 2);

        await Caches.Host.Cache.RemoveByTagAsync($"{a}-tag");

        Assert.Equal(10, await ReadAsync(Caches, a, $"{a}-tag", () => 10));
        Assert.Equal(2, await ReadAsync(Caches, b, $"{b}-tag", () => 20));
    }

    [Fact]
    public async Task Health_check_succeeds_while_the_cache_is_up() => await Caches.Status.CheckHealthAsync(default);
}

public sealed class InProcessCacheTests : CacheContractTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UnixEpoch.AddYears(56));

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

    [Fact]
    public async Task A_value_computed_after_a_drop_is_served_from_the_cache_while_the_clock_stands_still()
    {
        var computed = 0;
        await ReadAsync(Caches, "k", "t", () => ++computed);
        await Caches.Host.Cache.RemoveByTagAsync("t");

        Assert.Equal(2, await ReadAsync(Caches, "k", "t", () => ++computed));
        Assert.Equal(2, await ReadAsync(Caches, "k", "t", () => ++computed));
    }
}

public sealed class RedisCacheTests : CacheContractTests
{
    private RedisInstance? _redis;
    private ConnectionMultiplexer? _connection;

    public override async Task InitializeAsync()
    {
        _redis = await RedisInstance.StartAsync();
        _connection = await ConnectAsync();
        Caches = new ReadCaches(TimeProvider.System, _connection);
    }

    public override async Task DisposeAsync()
    {
        Caches.Dispose();
        await _connection!.DisposeAsync();
        await _redis!.DisposeAsync();
    }

    // Redis expires keys on its own clock.
    protected override Task LetTimePassAsync(TimeSpan duration) => Task.Delay(duration);

    private async Task<ConnectionMultiplexer> ConnectAsync()
    {
        Assert.True(RedisUrl.TryParse(_redis!.Url, out var options, out var error), error);
        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    [Fact]
    public async Task A_value_one_replica_computed_serves_another_as_a_plain_redis_string()
    {
        await using var other = await ConnectAsync();
        using var replica2 = new ReadCaches(TimeProvider.System, other);
        var key = $"k-{Guid.NewGuid():N}";

        Assert.Equal(7, await ReadAsync(Caches, key, "t", () => 7));
        await WaitForRedisKeyAsync(key);

        Assert.Equal(7, await ReadAsync(replica2, key, "t", () => 8));
        Assert.Equal(RedisType.String, await _connection!.GetDatabase().KeyTypeAsync(key));
        Assert.True(await _connection.GetDatabase().KeyTimeToLiveAsync(key) is { } ttl && ttl <= TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task While_redis_is_down_reads_compute_fast_and_are_cached_in_redis_again_after_it_returns()
    {
        await _redis!.StopAsync();

        var started = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(1, await ReadAsync(Caches, $"k-{Guid.NewGuid():N}", "t", () => 1));
        await Assert.ThrowsAnyAsync<Exception>(() => Caches.Status.CheckHealthAsync(default));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), $"took {started.Elapsed}");

        await _redis.StartAsync();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var key = $"k-{Guid.NewGuid():N}";
            await ReadAsync(Caches, key, "t", () => 9);
            await Task.Delay(200);
            try
            {
                if (await _connection!.GetDatabase().KeyExistsAsync(key))
                {
                    break;
                }
            }
            catch (RedisException) when (DateTime.UtcNow < deadline)
            {
            }

            Assert.True(DateTime.UtcNow < deadline, "Nothing was written to Redis after it came back.");
        }

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
