using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using P1Telemetry.Edge.Configuration;
using P1Telemetry.Edge.Health;
using P1Telemetry.Edge.Tests.Infrastructure;
using P1Telemetry.Edge.Uploading;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.Edge.Tests;

public sealed class BackoffTests
{
    [Fact]
    public void Ceilings_double_from_the_base_up_to_the_cap_and_reset_on_success()
    {
        var backoff = new ExponentialBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(300), new FixedRandom(0.5));

        var delays = Enumerable.Range(0, 11).Select(_ => backoff.NextDelay().TotalSeconds).ToList();

        Assert.Equal([0.5, 1, 2, 4, 8, 16, 32, 64, 128, 150, 150], delays);
        backoff.Reset();
        Assert.Equal(0.5, backoff.NextDelay().TotalSeconds);
    }

    [Fact]
    public void Full_jitter_spreads_delays_over_the_whole_interval()
    {
        var backoff = new ExponentialBackoff(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10), new Random(42));
        for (var i = 0; i < 5; i++)
        {
            backoff.NextDelay();
        }

        var delays = Enumerable.Range(0, 200).Select(_ => backoff.NextDelay().TotalSeconds).ToList();

        Assert.All(delays, d => Assert.InRange(d, 0, 10));
        Assert.Contains(delays, d => d < 2);
        Assert.Contains(delays, d => d > 8);
    }
}

/// <summary>The upload loop on a fake clock against a real HTTPS endpoint.</summary>
public sealed class UploaderLoopTests() : UploadTestBase<TimerWatch>(new(TestSamples.T0), "Loop Test")
{
    private (UploaderService Service, ExponentialBackoff Backoff) Service(EdgeOptions options)
    {
        var client = new IngestClient(Server.IngestUri, "t", TimeSpan.FromSeconds(10), [Ca.CaCertificate]);
        var health = new HealthMonitor(Time);
        var identity = new DeviceIdentity("meter-1", client, health, NullLogger<DeviceIdentity>.Instance);
        var uploader = new BatchUploader(Spool, client, identity, health, options.BatchSize, NullLogger<BatchUploader>.Instance);
        var backoff = new ExponentialBackoff(options.BackoffBase, options.BackoffMax, new FixedRandom(0.5));
        return (new UploaderService(uploader, Spool, health, options, Time, backoff, NullLogger<UploaderService>.Instance), backoff);
    }

    [Fact]
    public async Task Failures_wait_the_jittered_backoff_on_the_injected_clock_and_success_resets_it()
    {
        await Spool.EnqueueManyAsync(Enumerable.Range(0, 3).Select(i => TestSamples.SampleAt(i)), default);
        Server.Respond = _ => Results.StatusCode(503);
        var (service, backoff) = Service(new EdgeOptions { BackoffBaseSeconds = 2, BackoffMaxSeconds = 60, UploadIntervalSeconds = 5 });

        await service.StartAsync(default);
        try
        {
            await Eventually.TrueAsync(() => Server.RequestSizes.Count == 1 && Time.ActiveTimers > 0, "the first attempt failed and the loop sleeps");
            Assert.Equal(Time.GetUtcNow() + TimeSpan.FromSeconds(1), Time.NextDue); // 0.5 × min(60, 2 × 2^0)

            Time.Advance(TimeSpan.FromSeconds(0.9));
            await Task.Delay(200);
            Assert.Single(Server.RequestSizes); // not before the delay is over

            Time.Advance(TimeSpan.FromSeconds(0.1));
            await Eventually.TrueAsync(() => Server.RequestSizes.Count == 2 && Time.ActiveTimers > 0, "the second attempt failed");
            Assert.Equal(Time.GetUtcNow() + TimeSpan.FromSeconds(2), Time.NextDue); // 0.5 × 4 s
            Assert.Equal(2, backoff.Failures);

            Server.Respond = IngestTestServer.Ok;
            Time.Advance(TimeSpan.FromSeconds(2));
            await Eventually.TrueAsync(() => Server.Accepted.Count == 3 && Time.ActiveTimers > 0, "the third attempt succeeded");
            Assert.Equal(0, backoff.Failures);
            Assert.Equal(Time.GetUtcNow() + TimeSpan.FromSeconds(5), Time.NextDue); // back to UPLOAD_INTERVAL_S
            Assert.Equal(0, await Spool.CountAsync(default));
        }
        finally
        {
            await service.StopAsync(default);
        }
    }

    [Fact]
    public async Task A_backlog_is_uploaded_batch_after_batch_without_waiting()
    {
        await Spool.EnqueueManyAsync(Enumerable.Range(0, 25).Select(i => TestSamples.SampleAt(i)), default);
        var (service, _) = Service(new EdgeOptions { BatchSize = 10, UploadIntervalSeconds = 5 });

        await service.StartAsync(default);
        try
        {
            // The fake clock never moves: three batches go out back to back.
            await Eventually.TrueAsync(() => Server.Accepted.Count == 25, "the backlog drained");
            Assert.Equal([10, 10, 5], Server.RequestSizes);
        }
        finally
        {
            await service.StopAsync(default);
        }
    }

    [Fact]
    public async Task A_new_reading_is_uploaded_at_once_and_a_failure_still_backs_off()
    {
        var (service, _) = Service(new EdgeOptions { UploadIntervalSeconds = 5, BackoffBaseSeconds = 60, BackoffMaxSeconds = 60 });
        await service.StartAsync(default);
        try
        {
            await Eventually.TrueAsync(() => Time.ActiveTimers > 0, "the loop found nothing and sleeps");

            // The fake clock never reaches the upload interval: the reading itself wakes the uploader.
            await Spool.EnqueueAsync(TestSamples.SampleAt(0), default);
            await Eventually.TrueAsync(() => Server.Accepted.Count == 1, "the reading was uploaded");
            await Spool.EnqueueAsync(TestSamples.SampleAt(1), default);
            await Eventually.TrueAsync(() => Server.Accepted.Count == 2, "the next reading was uploaded");
            Assert.Equal([1, 1], Server.RequestSizes);
            Assert.Equal(0, await Spool.CountAsync(default));

            // A refused upload keeps the reading and waits its backoff, whatever the meter sends meanwhile.
            Server.Respond = _ => Results.StatusCode(503);
            await Spool.EnqueueAsync(TestSamples.SampleAt(2), default);
            await Eventually.TrueAsync(() => Server.RequestSizes.Count == 3 && Time.ActiveTimers > 0, "the upload failed and the loop backs off");
            await Spool.EnqueueAsync(TestSamples.SampleAt(3), default);
            await Task.Delay(300);
            Assert.Equal(3, Server.RequestSizes.Count);
            Assert.Equal(2, await Spool.CountAsync(default));
        }
        finally
        {
            Server.Respond = IngestTestServer.Ok;
            await service.StopAsync(default);
        }
    }

    [Fact]
    public async Task A_live_upload_delay_at_least_the_interval_keeps_uploads_to_the_interval()
    {
        var (service, _) = Service(new EdgeOptions { UploadIntervalSeconds = 5, LiveUploadDelaySeconds = 5 });
        await service.StartAsync(default);
        try
        {
            await Eventually.TrueAsync(() => Time.ActiveTimers > 0, "the loop found nothing and sleeps");
            await Spool.EnqueueAsync(TestSamples.SampleAt(0), default);
            await Task.Delay(300);
            Assert.Empty(Server.RequestSizes);

            Time.Advance(TimeSpan.FromSeconds(5));
            await Eventually.TrueAsync(() => Server.Accepted.Count == 1, "the reading went out with the interval");
        }
        finally
        {
            await service.StopAsync(default);
        }
    }

    [Fact]
    public async Task Stopping_flushes_what_waits_when_the_server_is_up()
    {
        Server.Respond = _ => Results.StatusCode(503);
        var (service, _) = Service(new EdgeOptions { BatchSize = 10, ShutdownFlushSeconds = 10 });
        await Spool.EnqueueManyAsync(Enumerable.Range(0, 15).Select(i => TestSamples.SampleAt(i)), default);
        await service.StartAsync(default);
        await Eventually.TrueAsync(() => !Server.RequestSizes.IsEmpty && Time.ActiveTimers > 0, "the loop backs off");

        Server.Respond = IngestTestServer.Ok;
        await service.StopAsync(default);

        Assert.Equal(0, await Spool.CountAsync(default));
        Assert.Equal(15, Server.Accepted.Count);
    }
}
