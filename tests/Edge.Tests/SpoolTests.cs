using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using P1Telemetry.Edge.Spooling;
using P1Telemetry.Edge.Tests.Infrastructure;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.Edge.Tests;

/// <summary>The SQLite spool on real files.</summary>
public sealed class SpoolTests : IDisposable
{
    private static readonly DateTimeOffset _t0 = TestSamples.T0;
    private readonly TestDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(_t0);

    private static int SecondOf(SpooledSample item) =>
        (int)(SampleSpool.Deserialize(item.Payload, "x").Ts - _t0).TotalSeconds;

    private SampleSpool Open() => SampleSpool.Open(_directory.File("spool.db"), _time);

    [Fact]
    public async Task Peek_returns_the_oldest_first_without_removing()
    {
        using var spool = Open();
        for (var i = 0; i < 10; i++)
        {
            await spool.EnqueueAsync(TestSamples.SampleAt(i), default);
        }

        var first = await spool.PeekAsync(4, default);
        var again = await spool.PeekAsync(4, default);

        Assert.Equal([0, 1, 2, 3], first.Select(SecondOf));
        Assert.Equal(first, again);
        Assert.Equal(10, await spool.CountAsync(default));
    }

    [Fact]
    public async Task Ack_deletes_exactly_the_given_rows()
    {
        using var spool = Open();
        await spool.EnqueueManyAsync(Enumerable.Range(0, 6).Select(i => TestSamples.SampleAt(i)), default);
        var batch = await spool.PeekAsync(6, default);

        var deleted = await spool.AckAsync([batch[1].Id, batch[3].Id, 999_999], default);

        Assert.Equal(2, deleted);
        Assert.Equal([0, 2, 4, 5], (await spool.PeekAsync(10, default)).Select(SecondOf));
    }

    [Fact]
    public async Task Ack_of_a_contiguous_run_deletes_that_run_only()
    {
        using var spool = Open();
        await spool.EnqueueManyAsync(Enumerable.Range(0, 8).Select(i => TestSamples.SampleAt(i)), default);
        var batch = await spool.PeekAsync(8, default);

        Assert.Equal(3, await spool.AckAsync([batch[2].Id, batch[3].Id, batch[4].Id], default));
        Assert.Equal(1, await spool.AckAsync([batch[1].Id, batch[3].Id], default)); // one already gone

        Assert.Equal([0, 5, 6, 7], (await spool.PeekAsync(10, default)).Select(SecondOf));
    }

    [Fact]
    public void Spooled_payloads_leave_the_device_id_to_the_uploader()
    {
        var sample = TestSamples.SampleAt(5) with { DeviceId = "configured", GasM3 = 1.5 };

        var payload = SampleSpool.Serialize(sample);

        Assert.DoesNotContain("device_id", payload, StringComparison.Ordinal);
        Assert.Equal(sample with { DeviceId = "learnt-1" }, SampleSpool.Deserialize(payload, "learnt-1"));
    }

    [Fact]
    public async Task Samples_and_quarantine_survive_closing_and_reopening()
    {
        using (var spool = Open())
        {
            await spool.EnqueueManyAsync(Enumerable.Range(0, 3).Select(i => TestSamples.SampleAt(i)), default);
            await spool.QuarantineAsync("the reading lacks power_w", "{}", default);
            var batch = await spool.PeekAsync(1, default);
            await spool.AckAsync([batch[0].Id], default);
        }

        using var reopened = Open();
        Assert.Equal([1, 2], (await reopened.PeekAsync(10, default)).Select(SecondOf));
        var quarantined = Assert.Single(await reopened.ReadQuarantineAsync(10, default));
        Assert.Equal("the reading lacks power_w", quarantined.Reason);
        Assert.Equal(_t0, quarantined.QuarantinedAt);
    }

    [Fact]
    public async Task Row_ids_keep_growing_after_everything_was_acked_and_reopened()
    {
        long lastId;
        using (var spool = Open())
        {
            await spool.EnqueueManyAsync([TestSamples.SampleAt(0), TestSamples.SampleAt(1)], default);
            var batch = await spool.PeekAsync(2, default);
            lastId = batch[^1].Id;
            await spool.AckAsync(batch.Select(b => b.Id).ToArray(), default);
        }

        using var reopened = Open();
        await reopened.EnqueueAsync(TestSamples.SampleAt(2), default);
        Assert.True((await reopened.PeekAsync(1, default))[0].Id > lastId);
    }

    [Fact]
    public async Task The_file_uses_wal_and_full_synchronous_writes()
    {
        using var spool = Open();
        await spool.EnqueueAsync(TestSamples.SampleAt(0), default);

        using var connection = new SqliteConnection($"Data Source={_directory.File("spool.db")};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string)command.ExecuteScalar()!);
        Assert.True(File.Exists(_directory.File("spool.db-wal")));
    }

    [Fact]
    public async Task Moving_rows_to_quarantine_keeps_payload_and_reason()
    {
        using var spool = Open();
        await spool.EnqueueManyAsync(Enumerable.Range(0, 4).Select(i => TestSamples.SampleAt(i)), default);
        var batch = await spool.PeekAsync(4, default);

        await spool.QuarantineSpooledAsync([batch[2].Id], "rejected by the server: HTTP 422", default);

        Assert.Equal([0, 1, 3], (await spool.PeekAsync(10, default)).Select(SecondOf));
        var item = Assert.Single(await spool.ReadQuarantineAsync(10, default));
        Assert.Equal(batch[2].Payload, item.Payload);
        Assert.Equal(1, await spool.QuarantineCountAsync(default));
    }

    [Fact]
    public async Task Enqueueing_while_an_uploader_drains_loses_and_reorders_nothing()
    {
        using var spool = Open();
        const int total = 2000;
        var producer = Task.Run(async () =>
        {
            for (var i = 0; i < total; i++)
            {
                await spool.EnqueueAsync(TestSamples.SampleAt(i), default);
            }
        });
        var drained = new List<int>();
        var consumer = Task.Run(async () =>
        {
            while (drained.Count < total)
            {
                var batch = await spool.PeekAsync(97, default);
                drained.AddRange(batch.Select(SecondOf));
                await spool.AckAsync(batch.Select(b => b.Id).ToArray(), default);
                if (batch.Count == 0)
                {
                    await Task.Delay(1);
                }
            }
        });

        await Task.WhenAll(producer, consumer).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(Enumerable.Range(0, total), drained);
        Assert.Equal(0, await spool.CountAsync(default));
    }

    [Fact]
    public async Task A_process_killed_with_sigkill_during_bulk_enqueue_leaves_whole_transactions_only()
    {
        var csv = _directory.File("history.csv");
        TestSamples.WriteHistoryCsv(csv, rows: 400_000);
        var spoolPath = _directory.File("killed.db");
        await using var edge = EdgeProcess.Start(["backfill", csv], new() { ["SPOOL_PATH"] = spoolPath });
        await WaitForRowsAsync(spoolPath, edge, TimeSpan.FromSeconds(60));

        await edge.KillAsync(); // SIGKILL: no flush, no finally blocks

        using var spool = SampleSpool.Open(spoolPath, _time);
        var count = await spool.CountAsync(default);
        Assert.InRange(count, 10_000, 399_999);
        Assert.Equal(0, count % 10_000); // the backfill commits 10,000 rows per transaction
        using (var connection = new SqliteConnection($"Data Source={spoolPath};Pooling=false"))
        {
            connection.Open();
            using var check = connection.CreateCommand();
            check.CommandText = "PRAGMA integrity_check";
            Assert.Equal("ok", (string)check.ExecuteScalar()!);
        }

        var first = await spool.PeekAsync(2, default);
        Assert.Equal([0, 1], first.Select(SecondOf));
        await spool.EnqueueAsync(TestSamples.SampleAt(999_999), default);
        Assert.Equal(count + 1, await spool.CountAsync(default));
    }

    private static async Task WaitForRowsAsync(string path, ChildProcess process, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline && process.IsRunning)
        {
            if (File.Exists(path))
            {
                try
                {
                    using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=false");
                    connection.Open();
                    using var command = connection.CreateCommand();
                    command.CommandText = "SELECT count(*) FROM spool";
                    if ((long)command.ExecuteScalar()! > 0)
                    {
                        return;
                    }
                }
                catch (SqliteException)
                {
                    // The schema may not exist yet.
                }
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"the backfill process spooled nothing (exit code: {process.ExitCode}):\n{process.Output}");
    }

    public void Dispose() => _directory.Dispose();
}
