using System.Diagnostics;
using System.Globalization;
using System.IO.Pipelines;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using P1Telemetry.Contracts.Domain;
using P1Telemetry.ReadBench;
using P1Telemetry.Server.Caching;
using P1Telemetry.Server.Capacity;
using P1Telemetry.Server.Export;
using P1Telemetry.Server.MeterPeaks;
using P1Telemetry.Server.ReadPath;
using P1Telemetry.Server.Series;
using P1Telemetry.Server.Storage;
using P1Telemetry.Server.Storage.Migrations;
using P1Telemetry.TestInfrastructure;

// Loads N days of 1 Hz data for one device through the store, then times the read path and prints a table.
// Usage: p1-read-bench [--days 30] [--backend sqlite|postgres|both] [--iterations 200]
var options = BenchOptions.Parse(args);
const string Device = "bench-meter";
var calendar = LocalCalendar.ForZone("Europe/Brussels");
var end = calendar.StartOf(new DateOnly(2026, 11, 1));
var start = end.AddDays(-options.Days);
var now = end.AddMinutes(30);
var lastEvening = end.AddHours(-6);
var lastMonth = new LocalMonth(2026, 10);
var table = new ResultTable();

foreach (var backend in options.Backends)
{
    var directory = TestRunDirectory.CreateSubdirectory("read-bench");
    PostgresInstance? postgres = null;
    var settings = new Dictionary<string, string?>
    {
        ["DATA_DIR"] = directory,
        ["TIMEZONE"] = "Europe/Brussels",
        ["GRID_AREA"] = "Antwerpen",
    };
    if (backend == "postgres")
    {
        postgres = await PostgresInstance.StartAsync();
        settings["DATABASE_URL"] = await postgres.CreateDatabaseAsync("readbench");
    }

    try
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection()
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton<TimeProvider>(new FakeTimeProvider(now))
            .AddSingleton<IConfiguration>(configuration);
        services.AddSampleStorage(configuration);
        services.AddCache(configuration);
        services.AddReadPath(configuration);
        services.AddMeterPeaks();
        await using var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<ISchemaMigrator>().MigrateAsync(CancellationToken.None);
        var store = provider.GetRequiredService<ISampleStore>();

        // Load through the store, as the ingest endpoint would, in batches of 10,000.
        var total = (long)options.Days * 86_400;
        var profile = new HouseholdProfile(Device, start);
        var load = Stopwatch.StartNew();
        for (long loaded = 0; loaded < total;)
        {
            var batch = profile.Take((int)Math.Min(10_000, total - loaded));
            await store.AppendAsync(Device, batch, CancellationToken.None);
            loaded += batch.Count;
            if (loaded % 2_000_000 < 10_000)
            {
                Console.Error.WriteLine($"{backend}: loaded {loaded:N0} of {total:N0} samples ({loaded / load.Elapsed.TotalSeconds:N0}/s)");
            }
        }

        table.AddNote(backend, "load", string.Create(CultureInfo.InvariantCulture,
            $"{total:N0} samples ({options.Days} days) in {load.Elapsed.TotalSeconds:N0} s = {total / load.Elapsed.TotalSeconds:N0}/s through ISampleStore.AppendAsync"));

        var capacity = provider.GetRequiredService<CapacityService>();

        // capacity/month of the last complete month.
        var cold = await Measure.LatencyAsync(Math.Min(options.Iterations, 10), async () =>
        {
            await using var fresh = ColdProvider(configuration, now);
            var service = fresh.GetRequiredService<CapacityService>();
            await service.ComputeMonthJsonAsync(Device, lastMonth, CancellationToken.None);
        });
        table.Add(backend, "capacity/month, cold (12 months read from quarter_hours)", cold);
        var computed = await Measure.LatencyAsync(options.Iterations, () =>
            capacity.ComputeMonthJsonAsync(Device, lastMonth, CancellationToken.None));
        var size = (await capacity.ComputeMonthJsonAsync(Device, lastMonth, CancellationToken.None)).Length;
        table.Add(backend, "capacity/month, past month recomputed from quarter_hours (other months' digests cached)", computed,
            string.Create(CultureInfo.InvariantCulture, $"response {size / 1024.0:N0} KiB ({calendar.Month(lastMonth).Quarters} quarters)"));
        var cached = await Measure.LatencyAsync(options.Iterations, () => capacity.GetMonthJsonAsync(Device, lastMonth, CancellationToken.None));
        table.Add(backend, "capacity/month, past month from the response cache", cached);

        // The month a user watches: the running one, late on its last day, served on every request.
        await using (var running = ColdProvider(configuration, lastEvening))
        {
            var service = running.GetRequiredService<CapacityService>();
            var live = await Measure.LatencyAsync(options.Iterations, () => service.GetMonthJsonAsync(Device, lastMonth, CancellationToken.None));
            table.Add(backend, "capacity/month, running month at 18:00 on its last day (≤ 3 ms)", live,
                "settled days cached as written JSON; today's quarter_hours and last reading from the database");
        }

        var range = calendar.Month(lastMonth);
        var rows = await Measure.LatencyAsync(options.Iterations, () => store.GetQuarterHoursAsync(Device, range.Start, range.End, CancellationToken.None));
        table.Add(backend, "  for reference: the month's quarter_hours rows from the store", rows);
        var lastReading = end.AddSeconds(-1);
        var one = await Measure.LatencyAsync(options.Iterations, async () =>
        {
            await foreach (var sample in store.StreamSamplesAsync(Device, lastReading, lastReading.AddTicks(10), CancellationToken.None))
            {
                _ = sample;
            }
        });
        table.Add(backend, "  for reference: the month's last reading from the store", one);
        var raw = await Measure.LatencyAsync(Math.Min(options.Iterations, 5), () => RawMonthlyPeakAsync(provider, backend, range));
        var rawPeak = await RawMonthlyPeakAsync(provider, backend, range);
        using var month = System.Text.Json.JsonDocument.Parse(await capacity.GetMonthJsonAsync(Device, lastMonth, CancellationToken.None));
        var ourPeak = month.RootElement.GetProperty("monthly_peak_w").GetDouble();
        table.Add(backend, "monthly peak aggregated from raw samples", raw,
            string.Create(CultureInfo.InvariantCulture, $"raw: {rawPeak:N1} W (mean import power), ours: {ourPeak:N1} W (register)"));

        // series frame=year (month buckets) for the year that is still running.
        var series = provider.GetRequiredService<SeriesService>();
        var yearQuery = new SeriesQuery(SeriesFrame.Year, new DateOnly(2026, 6, 1), SeriesBucketSize.Month);
        var year = await Measure.LatencyAsync(options.Iterations, () => series.GetJsonAsync(Device, yearQuery, CancellationToken.None));
        table.Add(backend, "series frame=year bucket=month", year);
        var dayQuery = new SeriesQuery(SeriesFrame.Year, new DateOnly(2026, 6, 1), SeriesBucketSize.Day);
        var days = await Measure.LatencyAsync(Math.Min(options.Iterations, 20), () => series.GetJsonAsync(Device, dayQuery, CancellationToken.None));
        table.Add(backend, "series frame=year bucket=day (all quarter_hours of the year)", days);

        // export of everything, raw, as CSV and JSON, into a sink.
        var writer = provider.GetRequiredService<ExportWriter>();
        foreach (var format in new[] { ExportFormat.Csv, ExportFormat.Json })
        {
            var export = await ExportAsync(writer, new ExportQuery(start, end, format, ExportResolution.Raw));
            table.AddNote(backend, $"export raw {format.ToString().ToLowerInvariant()}", export);
        }
    }
    finally
    {
        if (postgres is not null)
        {
            await postgres.DisposeAsync();
        }

        Directory.Delete(directory, recursive: true);
    }
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Trim()}, {options.Days} days of 1 Hz data, month {lastMonth}"));
table.Print(Console.Out);
return 0;

static ServiceProvider ColdProvider(IConfiguration configuration, DateTimeOffset now)
{
    var services = new ServiceCollection()
        .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
        .AddSingleton<TimeProvider>(new FakeTimeProvider(now));
    services.AddSampleStorage(configuration);
    services.AddCache(configuration);
    services.AddReadPath(configuration);
    services.AddMeterPeaks();
    return services.BuildServiceProvider();
}

static async Task<double> RawMonthlyPeakAsync(IServiceProvider provider, string backend, TimeRange range)
{
    if (backend == "postgres")
    {
        const string sql = """
            SELECT max(avg_w) FROM (
                SELECT floor(extract(epoch FROM ts) / 900) AS quarter, avg(import_power_w) AS avg_w
                FROM samples WHERE device_id = $1 AND ts >= $2 AND ts < $3 GROUP BY 1) AS quarters
            """;
        await using var command = provider.GetRequiredService<NpgsqlDataSource>().CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = "bench-meter" });
        command.Parameters.Add(new NpgsqlParameter { Value = range.Start });
        command.Parameters.Add(new NpgsqlParameter { Value = range.End });
        return Convert.ToDouble(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    const string sqliteSql = """
        SELECT max(avg_w) FROM (
            SELECT ts / 900000000 AS quarter, avg(import_power_w) AS avg_w
            FROM samples WHERE device_id = $device AND ts >= $from AND ts < $to GROUP BY 1)
        """;
    await using var connection = await provider.GetRequiredService<SqliteConnectionFactory>().OpenAsync(CancellationToken.None);
    await using var sqlite = connection.CreateCommand();
    sqlite.CommandText = sqliteSql;
    sqlite.Parameters.Add(new SqliteParameter("$device", "bench-meter"));
    sqlite.Parameters.Add(new SqliteParameter("$from", StorageTime.ToUnixMicroseconds(range.Start)));
    sqlite.Parameters.Add(new SqliteParameter("$to", StorageTime.ToUnixMicroseconds(range.End)));
    return Convert.ToDouble(await sqlite.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
}

static async Task<string> ExportAsync(ExportWriter writer, ExportQuery query)
{
    GC.Collect();
    using var process = Process.GetCurrentProcess();
    process.Refresh();
    var before = process.WorkingSet64;
    var peak = before;
    using var stop = new CancellationTokenSource();
    var sampler = Task.Run(async () =>
    {
        while (!stop.IsCancellationRequested)
        {
            process.Refresh();
            peak = Math.Max(peak, process.WorkingSet64);
            await Task.Delay(20, CancellationToken.None);
        }
    });
    var counter = new CountingStream();
    var pipe = PipeWriter.Create(counter);
    var cpuBefore = process.TotalProcessorTime;
    var watch = Stopwatch.StartNew();
    var rows = await writer.WriteAsync("bench-meter", query, pipe, CancellationToken.None);
    await pipe.CompleteAsync();
    var elapsed = watch.Elapsed.TotalSeconds;
    process.Refresh();
    var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
    await stop.CancelAsync();
    await sampler;
    return string.Create(CultureInfo.InvariantCulture,
        $"{rows:N0} rows, {counter.Length / 1048576.0:N0} MiB in {elapsed:N1} s = {rows / elapsed:N0} rows/s ({rows / cpu:N0} per CPU-second of this process); RSS {before / 1048576.0:N0} MiB before, max {peak / 1048576.0:N0} MiB during");
}
