using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using P1Telemetry.Edge.Commands;
using P1Telemetry.Edge.Spooling;
using P1Telemetry.Edge.Tests.Infrastructure;

namespace P1Telemetry.Edge.Tests;

/// <summary><c>p1-edge quarantine list|requeue</c> on a real spool file.</summary>
public sealed class QuarantineCommandTests : IDisposable
{
    private readonly TestDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(TestSamples.T0);
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();

    private string SpoolPath => _directory.File("spool.db");

    private QuarantineCommand Command => new(_output, _error, _time);

    private static int SecondOf(string payload) => (int)(SampleSpool.Deserialize(payload, "x").Ts - TestSamples.T0).TotalSeconds;

    /// <summary>
    /// Quarantine 1: a raw reading that never became a sample; 2 and 3: samples 3 and 5 that the server rejected;
    /// 4: sample 7 that the glitch check held back. Samples 10 and 11 wait in the spool.
    /// </summary>
    private async Task<long[]> PrepareAsync()
    {
        using var spool = SampleSpool.Open(SpoolPath, _time);
        await spool.QuarantineAsync("the reading lacks power_w", """{"energy_import_kwh":1}""", default);
        await spool.EnqueueManyAsync([TestSamples.SampleAt(3), TestSamples.SampleAt(5)], default);
        await spool.QuarantineSpooledAsync((await spool.PeekAsync(10, default)).Select(s => s.Id).ToList(), "rejected by the server: HTTP 422", default);
        await spool.QuarantineAsync("import register stepped back", SampleSpool.Serialize(TestSamples.SampleAt(7)), default);
        await spool.EnqueueManyAsync([TestSamples.SampleAt(10), TestSamples.SampleAt(11)], default);
        return (await spool.ReadQuarantineAsync(10, default)).Select(q => q.Id).ToArray();
    }

    private async Task<(List<int> Spooled, long Quarantined)> StateAsync()
    {
        using var spool = SampleSpool.Open(SpoolPath, _time);
        return ((await spool.PeekAsync(100, default)).Select(s => SecondOf(s.Payload)).ToList(), await spool.QuarantineCountAsync(default));
    }

    [Fact]
    public async Task List_shows_every_entry_with_its_reason()
    {
        var ids = await PrepareAsync();

        Assert.Equal(0, await Command.ListAsync(SpoolPath, json: false, limit: 100, default));

        var text = _output.ToString();
        Assert.Contains("rejected by the server: HTTP 422", text, StringComparison.Ordinal);
        Assert.Contains("the reading lacks power_w", text, StringComparison.Ordinal);
        Assert.Contains($"{ids[1]}\t", text, StringComparison.Ordinal);
        Assert.Contains("sample 2026-06-01T00:00:03Z", text, StringComparison.Ordinal);
        Assert.Contains("4 of 4 quarantined entries", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_as_json_tells_which_entries_can_be_requeued()
    {
        var ids = await PrepareAsync();

        Assert.Equal(0, await Command.ListAsync(SpoolPath, json: true, limit: 3, default));

        using var document = JsonDocument.Parse(_output.ToString());
        var root = document.RootElement;
        Assert.Equal(4, root.GetProperty("total").GetInt64());
        var entries = root.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(ids[..3], entries.Select(e => e.GetProperty("id").GetInt64()));
        Assert.Equal([false, true, true], entries.Select(e => e.GetProperty("requeueable").GetBoolean()));
        Assert.Equal(TestSamples.T0.AddSeconds(5), entries[2].GetProperty("ts").GetDateTimeOffset());
        Assert.Contains("HTTP 422", entries[1].GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requeue_by_id_moves_those_samples_behind_the_waiting_ones_in_order()
    {
        var ids = await PrepareAsync();

        Assert.Equal(0, await Command.RequeueAsync(SpoolPath, all: false, [ids[3], ids[1]], default));

        var (spooled, quarantined) = await StateAsync();
        Assert.Equal([10, 11, 3, 7], spooled);
        Assert.Equal(2, quarantined);
        Assert.Contains("Requeued 2 samples", _output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requeue_all_keeps_raw_readings_quarantined_and_says_why()
    {
        var ids = await PrepareAsync();

        Assert.Equal(1, await Command.RequeueAsync(SpoolPath, all: true, [], default));

        var (spooled, quarantined) = await StateAsync();
        Assert.Equal([10, 11, 3, 5, 7], spooled);
        Assert.Equal(1, quarantined);
        Assert.Contains($"Entry {ids[0]} stays quarantined: it is a raw reading", _output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requeue_needs_ids_or_all_and_reports_unknown_ids()
    {
        await PrepareAsync();

        Assert.Equal(2, await Command.RequeueAsync(SpoolPath, all: false, [], default));
        Assert.Equal(2, await Command.RequeueAsync(SpoolPath, all: true, [1], default));
        Assert.Equal(1, await Command.RequeueAsync(SpoolPath, all: false, [424242], default));

        Assert.Contains("no quarantine entry 424242", _output.ToString(), StringComparison.Ordinal);
        Assert.Equal(4, (await StateAsync()).Quarantined);
    }

    public void Dispose()
    {
        _output.Dispose();
        _error.Dispose();
        _directory.Dispose();
    }
}
