using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.ServerBench;

/// <summary>
/// Ingest throughput: gzip JSON batches over loopback HTTP into PostgreSQL (raw rows + rollup in one
/// transaction) compared with binary COPY of the same rows into the same empty table; re-sending everything
/// as duplicates; and the embedded SQLite backend.
/// </summary>
internal static class IngestBenchmark
{
    private const double TargetRatio = 0.4;

    public static async Task RunAsync(BenchOptions options, ResultTable results)
    {
        Console.WriteLine($"ingest: generating {options.Samples:N0} samples in gzip batches of {options.Batch:N0}");
        var samples = BenchSamples.Generate(options.Samples);
        var batches = BenchSamples.GzipBatches(samples, options.Batch);
        Console.WriteLine($"ingest: {batches.Count} batches, {batches.Sum(b => (long)b.Length) / 1024 / 1024} MiB gzip");

        await using var postgres = await PostgresInstance.StartAsync();
        var connectionString = await postgres.CreateDatabaseAsync("bench");
        var environment = new Dictionary<string, string> { ["DATABASE_URL"] = connectionString };
        await ServerHost.MigrateAsync(environment);

        var copySeconds = await CopyAsync(connectionString, samples);
        var copyRate = samples.Length / copySeconds;
        Console.WriteLine($"ingest: COPY {copyRate:N0} rows/s");
        await ExecuteAsync(connectionString, "TRUNCATE samples, quarter_hours; VACUUM ANALYZE samples");

        await using (var server = await ServerHost.StartAsync(environment))
        {
            var (seconds, inserted, duplicates) = await SendAllAsync(server, batches, options.Concurrency);
            Check(inserted == samples.Length && duplicates == 0, $"first upload inserted {inserted}, duplicates {duplicates}");
            var rollupCount = await ScalarAsync(connectionString, "SELECT coalesce(sum(sample_count), 0)::bigint FROM quarter_hours");
            Check(rollupCount == samples.Length, $"quarter_hours counts {rollupCount} samples");
            var rate = samples.Length / seconds;
            Console.WriteLine($"ingest: HTTP into PostgreSQL {rate:N0} rows/s");

            results.Add($"PostgreSQL binary COPY, {samples.Length:N0} rows (reference)", ResultTable.Rate(copyRate), "", null);
            results.Add($"POST /v1/ingest → PostgreSQL + rollup, batches of {options.Batch:N0}, {options.Concurrency} in flight",
                ResultTable.Rate(rate) + string.Create(CultureInfo.InvariantCulture, $" ({rate / copyRate:0.00}× COPY)"),
                $"≥ {TargetRatio:0.0}× COPY", rate / copyRate >= TargetRatio);

            var (dupSeconds, dupInserted, dupDuplicates) = await SendAllAsync(server, batches, options.Concurrency);
            Check(dupInserted == 0 && dupDuplicates == samples.Length, $"re-send inserted {dupInserted}, duplicates {dupDuplicates}");
            results.Add("re-send everything (all duplicates) → PostgreSQL", ResultTable.Rate(samples.Length / dupSeconds), "", null);
        }

        var dataDirectory = TestRunDirectory.CreateSubdirectory("bench-sqlite");
        try
        {
            await using var server = await ServerHost.StartAsync(new Dictionary<string, string> { ["DATA_DIR"] = dataDirectory });
            var (seconds, inserted, _) = await SendAllAsync(server, batches, options.Concurrency);
            Check(inserted == samples.Length, $"SQLite upload inserted {inserted}");
            results.Add("POST /v1/ingest → SQLite + rollup", ResultTable.Rate(samples.Length / seconds), "", null);
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private static async Task<(double Seconds, long Inserted, long Duplicates)> SendAllAsync(ServerProcess server, List<byte[]> batches, int concurrency)
    {
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency })
        {
            BaseAddress = server.BaseAddress,
            Timeout = TimeSpan.FromMinutes(5),
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ServerHost.Token);
        long inserted = 0, duplicates = 0;
        var next = -1;
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < batches.Count)
            {
                var content = new ByteArrayContent(batches[index]);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                content.Headers.ContentEncoding.Add("gzip");
                using var response = await client.PostAsync("/v1/ingest", content);
                var body = await response.Content.ReadAsStringAsync();
                Check(response.IsSuccessStatusCode, $"ingest answered {(int)response.StatusCode}: {body}");
                var result = JsonSerializer.Deserialize(body, WireJsonContext.Default.IngestResponse)!;
                Interlocked.Add(ref inserted, result.Inserted);
                Interlocked.Add(ref duplicates, result.Duplicates);
            }
        }));
        return (stopwatch.Elapsed.TotalSeconds, inserted, duplicates);
    }

    private static async Task<double> CopyAsync(string connectionString, Sample[] samples)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var stopwatch = Stopwatch.StartNew();
        await using (var importer = await connection.BeginBinaryImportAsync("""
            COPY samples (device_id, ts, power_w, import_power_w, energy_import_kwh, energy_export_kwh,
                          average_power_15m_w, monthly_power_peak_w, monthly_power_peak_ts, power_l1_w, power_l2_w,
                          power_l3_w, gas_m3, gas_ts) FROM STDIN (FORMAT BINARY)
            """))
        {
            foreach (var s in samples)
            {
                await importer.StartRowAsync();
                await importer.WriteAsync(s.DeviceId, NpgsqlDbType.Text);
                await importer.WriteAsync(s.Ts, NpgsqlDbType.TimestampTz);
                await importer.WriteAsync(s.PowerW, NpgsqlDbType.Integer);
                await importer.WriteAsync(s.ImportPowerW, NpgsqlDbType.Integer);
                await importer.WriteAsync(s.EnergyImportKwh, NpgsqlDbType.Double);
                await importer.WriteAsync(s.EnergyExportKwh, NpgsqlDbType.Double);
                await WriteNullableAsync(importer, s.AveragePower15mW, NpgsqlDbType.Integer);
                await WriteNullableAsync(importer, s.MonthlyPowerPeakW, NpgsqlDbType.Integer);
                await WriteNullableAsync(importer, s.MonthlyPowerPeakTs, NpgsqlDbType.TimestampTz);
                await WriteNullableAsync(importer, s.PowerL1W, NpgsqlDbType.Integer);
                await WriteNullableAsync(importer, s.PowerL2W, NpgsqlDbType.Integer);
                await WriteNullableAsync(importer, s.PowerL3W, NpgsqlDbType.Integer);
                await WriteNullableAsync(importer, s.GasM3, NpgsqlDbType.Double);
                await WriteNullableAsync(importer, s.GasTs, NpgsqlDbType.TimestampTz);
            }

            await importer.CompleteAsync();
        }

        return stopwatch.Elapsed.TotalSeconds;
    }

    private static async Task WriteNullableAsync<T>(NpgsqlBinaryImporter importer, T? value, NpgsqlDbType type) where T : struct
    {
        if (value is { } v)
        {
            await importer.WriteAsync(v, type);
        }
        else
        {
            await importer.WriteNullAsync();
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        foreach (var statement in sql.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            await using var command = new NpgsqlCommand(statement, connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    private static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException(message);
        }
    }
}
