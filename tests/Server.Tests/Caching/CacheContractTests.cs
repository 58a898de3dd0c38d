using Microsoft.Extensions.Time.Testing;
using P1Telemetry.Server.Caching;
using P1Telemetry.TestInfrastructure;
using StackExchange.Redis;

namespace P1Telemetry.Server.Tests.Caching;

/// <summary>The behaviour every <see cref="ICache"/> must have; run against the in-process cache and Redis.</summary>
public abstract class CacheContractTests : IAsyncLifetime
{
    protected ICache Cache { get; set; } = null!;

    public abstract Task InitializeAsync();

    public abstract Task DisposeAsync();

    /// <summary>Lets at least <paramref name="duration"/> pass on the cache's clock.</summary>
    protected abstract Task LetTimePassAsync(TimeSpan duration);

    [Fact]
    public async Task A_value_set_is_returned_until_removed()
    {
        var key = $"k-{Guid.NewGuid():N}";
        Assert.Null(await Cache.GetAsync(key, default));

        await Cache.SetAsync(key, [1, 2, 3], TimeSpan.FromMinutes(5), default);
        Assert.Equal([1, 2, 3], await Cache.GetAsync(key, default));

        await Cache.SetAsync(key, [4], TimeSpan.FromMinutes(5), default);
        Assert.Equal([4], await Cache.GetAsync(key, default));

        await Cache.RemoveAsync(key, default);
        Assert.Null(await Cache.GetAsync(key, default));
        await Cache.RemoveAsync(key, default);
    }

    [Fact]
    public async Task A_value_expires_after_its_time_to_live()
    {
        var key = $"k-{Guid.NewGuid():N}";
        await Cache.SetAsync(key, [7], TimeSpan.FromMilliseconds(300), default);
        Assert.Equal([7], await Cache.GetAsync(key, default));

        await LetTimePassAsync(TimeSpan.FromMilliseconds(600));

        Assert.Null(await Cache.GetAsync(key, default));
    }

    [Fact]
    public async Task Keys_are_independent()
    {
        var a = $"a-{Guid.NewGuid():N}";
        var b = $"b-{Guid.NewGuid():N}";
        await Cache.SetAsync(a, [1], TimeSpan.FromMinutes(1), default);
        await Cache.SetAsync(b, [2], TimeSpan.FromMinutes(1), default);
        await Cache.RemoveAsync(a, default);

        Assert.Null(await Cache.GetAsync(a, default));
        Assert.Equal([2], await Cache.GetAsync(b, default));
    }

    [Fact]
    public async Task Health_check_succeeds_while_the_cache_is_up() => await Cache.CheckHealthAsync(default);
}

public sealed class InProcessCacheTests : CacheContractTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UnixEpoch.AddYears(56));

    public override Task InitializeAsync()
    {
        Cache = new InProcessCache(_clock);
        return Task.CompletedTask;
    }

    public override Task DisposeAsync() => Task.CompletedTask;

    protected override Task LetTimePassAsync(TimeSpan duration)
    {
        _clock.Advance(duration);
        return Task.CompletedTask;
    }
}

public sealed class RedisCacheTests : CacheContractTests
{
    private RedisInstance? _redis;
    private ConnectionMultiplexer? _connection;

    public override async Task InitializeAsync()
    {
        _redis = await RedisInstance.StartAsync();
        Assert.True(RedisUrl.TryParse(_redis.Url, out var options, out var error), error);
        _connection = await ConnectionMultiplexer.ConnectAsync(options);
        Cache = new RedisCache(_connection);
    }

    public override async Task DisposeAsync()
    {
        await _connection!.DisposeAsync();
        await _redis!.DisposeAsync();
    }

    // Redis expires keys on its own clock.
    protected override Task LetTimePassAsync(TimeSpan duration) => Task.Delay(duration);

    [Fact]
    public async Task While_redis_is_down_calls_fail_fast_and_work_again_after_it_returns()
    {
        var key = $"k-{Guid.NewGuid():N}";
        await _redis!.StopAsync();

        var started = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<Exception>(() => Cache.GetAsync(key, default));
        await Assert.ThrowsAnyAsync<Exception>(() => Cache.CheckHealthAsync(default));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), $"took {started.Elapsed}");

        await _redis.StartAsync();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                await Cache.SetAsync(key, [9], TimeSpan.FromMinutes(1), default);
                break;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }

        Assert.Equal([9], await Cache.GetAsync(key, default));
    }
}
