using P1Telemetry.Edge.Hosting;
using P1Telemetry.Edge.Tests.Infrastructure;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.Edge.Tests;

public sealed class MemoryTrimmerTests
{
    [Fact]
    public async Task Trims_once_per_interval_and_not_after_the_host_stopped()
    {
        var time = new TimerWatch(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var trims = 0;
        using var trimmer = new MemoryTrimmer(time, () => Interlocked.Increment(ref trims));
        await trimmer.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => time.ActiveTimers == 1, "the trimmer waits for its first interval");

        time.Advance(MemoryTrimmer.Interval - TimeSpan.FromSeconds(1));
        Assert.Equal(0, Volatile.Read(ref trims));
        time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => Volatile.Read(ref trims) == 1, "one trim after one interval");
        time.Advance(MemoryTrimmer.Interval);
        await Eventually.TrueAsync(() => Volatile.Read(ref trims) == 2, "a second trim after the second interval");

        await trimmer.StopAsync(CancellationToken.None);
        time.Advance(MemoryTrimmer.Interval * 3);
        Assert.Equal(2, Volatile.Read(ref trims));
    }

    [Fact]
    public void The_real_trim_runs_on_this_platform()
    {
        var collections = GC.CollectionCount(GC.MaxGeneration);

        NativeMemory.Trim();

        Assert.True(GC.CollectionCount(GC.MaxGeneration) > collections, "a full collection ran");
    }
}
