using P1Telemetry.Contracts.Wire;
using P1Telemetry.Server.Storage;
using P1Telemetry.Server.Storage.Migrations;
using P1Telemetry.Server.Tests.Support;

namespace P1Telemetry.Server.Tests.Storage;

/// <summary>The behaviour every <see cref="ISampleStore"/> must have; run against PostgreSQL and SQLite.</summary>
public abstract class SampleStoreContractTests : IAsyncLifetime
{
    private ISampleStore? _store;

    protected ISampleStore Store => _store ?? throw new InvalidOperationException("Not initialized.");

    protected abstract Task<(ISampleStore Store, ISchemaMigrator Migrator)> CreateAsync();

    public async Task InitializeAsync()
    {
        var (store, migrator) = await CreateAsync();
        await migrator.MigrateAsync(CancellationToken.None);
        _store = store;
    }

    public virtual Task DisposeAsync()
    {
        (_store as IDisposable)?.Dispose();
        return Task.CompletedTask;
    }

    private static string NewDevice() => $"dev-{Guid.NewGuid():N}"[..16];

    [Fact]
    public async Task Append_counts_new_rows_and_duplicates()
    {
        var device = NewDevice();
        var batch = Samples.Series(device, Samples.Start, 100, TimeSpan.FromSeconds(1));

        var first = await Store.AppendAsync(device, batch, default);
        var second = await Store.AppendAsync(device, batch, default);
        var overlapping = await Store.AppendAsync(device, Samples.Series(device, Samples.Start.AddSeconds(50), 100, TimeSpan.FromSeconds(1), seed: 9), default);

        Assert.Equal(new AppendResult(100, 0), first);
        Assert.Equal(new AppendResult(0, 100), second);
        Assert.Equal(new AppendResult(50, 50), overlapping);
        Assert.Equal(150, await CountAsync(device));
    }

    [Fact]
    public async Task Duplicates_inside_one_batch_keep_the_first_and_count_once()
    {
        var device = NewDevice();
        var ts = Samples.Start;
        var result = await Store.AppendAsync(device, [Samples.At(device, ts, 100), Samples.At(device, ts, 999)], default);

        Assert.Equal(new AppendResult(1, 1), result);
        var stored = await Store.GetLatestAsync(device, default);
        Assert.Equal(100, stored!.PowerW);
        var rollup = Assert.Single(await Store.GetQuarterHoursAsync(device, ts.AddHours(-1), ts.AddHours(1), default));
        Assert.Equal(1, rollup.SampleCount);
    }

    [Fact]
    public async Task Latest_is_the_highest_timestamp_even_when_sent_earlier()
    {
        var device = NewDevice();
        Assert.Null(await Store.GetLatestAsync(device, default));

        await Store.AppendAsync(device, [Samples.At(device, Samples.Start.AddMinutes(5), 500)], default);
        await Store.AppendAsync(device, [Samples.At(device, Samples.Start, 100)], default);

        var latest = await Store.GetLatestAsync(device, default);
        Assert.Equal(Samples.Start.AddMinutes(5), latest!.Ts);
        Assert.Equal(500, latest.PowerW);
        Assert.Null(await Store.GetLatestAsync(NewDevice(), default));
    }

    [Fact]
    public async Task Every_field_round_trips_at_microsecond_resolution()
    {
        var device = NewDevice();
        var sample = new Sample
        {
            DeviceId = device,
            Ts = Samples.Start.AddTicks(1_234_567),
            PowerW = -2500,
            ImportPowerW = 0,
            EnergyImportKwh = 12345.678,
            EnergyExportKwh = 0.001,
            AveragePower15mW = 1700,
            MonthlyPowerPeakW = 5200,
            MonthlyPowerPeakTs = Samples.Start.AddDays(-3),
            PowerL1W = -1000,
            PowerL2W = -700,
            PowerL3W = -800,
            GasM3 = 4321.125,
            GasTs = Samples.Start.AddMinutes(-4),
        };

        await Store.AppendAsync(device, [sample], default);

        var stored = await Store.GetLatestAsync(device, default);
        Assert.Equal(sample with { Ts = Samples.Start.AddTicks(1_234_560) }, stored);
    }

    [Fact]
    public async Task Stream_returns_the_range_in_order_and_other_devices_stay_apart()
    {
        var device = NewDevice();
        var other = NewDevice();
        var series = Samples.Series(device, Samples.Start, 300, TimeSpan.FromSeconds(2));
        await Store.AppendAsync(device, [.. series.AsEnumerable().Reverse()], default);
        await Store.AppendAsync(other, Samples.Series(other, Samples.Start, 50, TimeSpan.FromSeconds(1)), default);

        var from = Samples.Start.AddSeconds(100);
        var to = Samples.Start.AddSeconds(200);
        var streamed = await ToListAsync(Store.StreamSamplesAsync(device, from, to, default));

        Assert.Equal(series.Where(s => s.Ts >= from && s.Ts < to).Select(s => s.Ts), streamed.Select(s => s.Ts));
        Assert.All(streamed, s => Assert.Equal(device, s.DeviceId));
    }

    [Fact]
    public async Task Quarter_hours_range_includes_start_and_excludes_end()
    {
        var device = NewDevice();
        await Store.AppendAsync(device, Samples.Series(device, Samples.Start, 3600, TimeSpan.FromSeconds(1)), default);

        var rows = await Store.GetQuarterHoursAsync(device, Samples.Start.AddMinutes(15), Samples.Start.AddMinutes(45), default);

        Assert.Equal([Samples.Start.AddMinutes(15), Samples.Start.AddMinutes(30)], rows.Select(r => r.Start));
        Assert.All(rows, r => Assert.Equal(900, r.SampleCount));
    }

    [Fact]
    public async Task Rollup_equals_brute_force_recomputation_after_random_shuffled_concurrent_batches_with_duplicates()
    {
        var device = NewDevice();
        var random = new Random(42);
        // Irregular timestamps over 3 hours, including slot boundaries, so that slots fill from many batches.
        var series = Samples.Series(device, Samples.Start.AddSeconds(-7), 4000, TimeSpan.FromSeconds(3), seed: 7);
        var batches = new List<List<Sample>>();
        var shuffled = series.OrderBy(_ => random.Next()).ToList();
        for (var i = 0; i < shuffled.Count;)
        {
            var size = random.Next(1, 400);
            batches.Add(shuffled.Skip(i).Take(size).ToList());
            i += size;
        }

        // Re-send a third of the batches (retries) and some partial overlaps.
        batches.AddRange(batches.Where((_, i) => i % 3 == 0).ToList());
        batches.Add(series.Take(500).ToList());

        var results = await Task.WhenAll(batches.OrderBy(_ => random.Next()).Select(b => Task.Run(() => Store.AppendAsync(device, b, default))));

        Assert.Equal(series.Count, results.Sum(r => r.Inserted));
        Assert.Equal(batches.Sum(b => b.Count) - series.Count, results.Sum(r => r.Duplicates));
        await AssertRollupMatchesSamplesAsync(device);
    }

    [Fact]
    public async Task Concurrent_appends_of_the_same_batch_insert_each_row_once()
    {
        var device = NewDevice();
        var batch = Samples.Series(device, Samples.Start, 2000, TimeSpan.FromSeconds(1), seed: 3);

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => Store.AppendAsync(device, batch, default))));

        Assert.Equal(batch.Count, results.Sum(r => r.Inserted));
        Assert.Equal(batch.Count * 5, results.Sum(r => r.Duplicates));
        await AssertRollupMatchesSamplesAsync(device);
    }

    [Fact]
    public async Task Late_out_of_order_samples_widen_first_last_min_and_max()
    {
        var device = NewDevice();
        var slot = Samples.Start;
        await Store.AppendAsync(device, [Samples.At(device, slot.AddMinutes(5), 1000, 10, 1), Samples.At(device, slot.AddMinutes(6), 2000, 11, 1)], default);
        await Store.AppendAsync(device, [Samples.At(device, slot.AddMinutes(1), -500, 9, 0.5), Samples.At(device, slot.AddMinutes(14), 8000, 12, 2)], default);
        await Store.AppendAsync(device, [Samples.At(device, slot.AddMinutes(3), 50, 9.5, 0.7)], default);

        var row = Assert.Single(await Store.GetQuarterHoursAsync(device, slot, slot.AddMinutes(15), default));
        Assert.Equal(new QuarterHourRow(device, slot, 5, 1000 + 2000 + 0 + 8000 + 50, 8000, 1000 + 2000 - 500 + 8000 + 50, -500, 8000,
            slot.AddMinutes(1), 9, 0.5, slot.AddMinutes(14), 12, 2), row);
    }

    [Fact]
    public async Task Migrating_again_changes_nothing()
    {
        var (_, migrator) = await CreateAsync();
        var version = await migrator.MigrateAsync(default);
        Assert.Equal(version, await migrator.MigrateAsync(default));
        Assert.True(version >= 1);
    }

    [Fact]
    public async Task Health_check_succeeds_while_the_database_is_up() => await Store.CheckHealthAsync(default);

    private async Task<int> CountAsync(string device) =>
        (await ToListAsync(Store.StreamSamplesAsync(device, DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue.AddYears(-1), default))).Count;

    private Task AssertRollupMatchesSamplesAsync(string device) => RollupCheck.AssertMatchesSamplesAsync(Store, device);

    protected static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }
}
