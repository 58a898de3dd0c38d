using P1Telemetry.Contracts.Wire;
using P1Telemetry.Server.Caching;
using P1Telemetry.Server.Live;
using P1Telemetry.TestInfrastructure;
using StackExchange.Redis;

namespace P1Telemetry.Server.Tests.Live;

/// <summary>Two replicas' feeds on one real Redis: a sample published on one reaches the other.</summary>
public sealed class CommittedSampleFeedTests : IAsyncLifetime
{
    private RedisInstance? _redis;
    private ConnectionMultiplexer? _first;
    private ConnectionMultiplexer? _second;

    public async Task InitializeAsync()
    {
        _redis = await RedisInstance.StartAsync();
        Assert.True(RedisUrl.TryParse(_redis.Url, out var options, out var error), error);
        _first = await ConnectionMultiplexer.ConnectAsync(options);
        _second = await ConnectionMultiplexer.ConnectAsync(options.Clone());
    }

    public async Task DisposeAsync()
    {
        await _first!.DisposeAsync();
        await _second!.DisposeAsync();
        await _redis!.DisposeAsync();
    }

    [Fact]
    public async Task The_newest_committed_sample_reaches_the_other_replica()
    {
        var publisher = new RedisCommittedSampleFeed(_first!);
        var subscriber = new RedisCommittedSampleFeed(_second!);
        var committed = new TaskCompletionSource<Sample>(TaskCreationOptions.RunContinuationsAsynchronously);
        subscriber.SampleCommitted += (_, sample) => committed.TrySetResult(sample);
        // Subscriptions are fire-and-forget: wait until Redis counts the second one.
        await WaitForSubscribersAsync(2);

        var sample = new Sample
        {
            DeviceId = "meter-1",
            Ts = new DateTimeOffset(2026, 3, 2, 10, 0, 1, TimeSpan.Zero),
            PowerW = 1234,
            ImportPowerW = 1234,
            EnergyImportKwh = 100.5,
            EnergyExportKwh = 2,
            PowerL1W = 400,
        };
        publisher.Publish("meter-1", sample);

        Assert.Equal(sample, await committed.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    private async Task WaitForSubscribersAsync(long count)
    {
        var server = _first!.GetServer(_first.GetEndPoints()[0]);
        for (var i = 0; i < 100; i++)
        {
            var result = await server.ExecuteAsync("PUBSUB", "NUMSUB", RedisCommittedSampleFeed.Channel.ToString());
            var values = (RedisResult[])result!;
            if ((long)values[1] >= count)
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail("The feeds did not subscribe.");
    }
}
