using System.Globalization;
using Npgsql;
using P1Telemetry.MeterSimulator;
using P1Telemetry.Server.Storage;

namespace P1Telemetry.EndToEnd.Tests.Pipeline;

internal sealed record StoredSample(DateTimeOffset Ts, int PowerW, int ImportPowerW, double EnergyImportKwh, double EnergyExportKwh);

/// <summary>Reads what the server stored for one device straight from PostgreSQL, and checks it.</summary>
internal sealed class StoredData(string connectionString, string deviceId)
{
    public async Task<DateTimeOffset?> LatestTsAsync()
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT max(ts) FROM samples WHERE device_id = @device", connection);
        command.Parameters.AddWithValue("device", deviceId);
        return await command.ExecuteScalarAsync() is DateTime ts ? new DateTimeOffset(DateTime.SpecifyKind(ts, DateTimeKind.Utc)) : null;
    }

    public async Task<long> CountAsync()
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM samples WHERE device_id = @device", connection);
        command.Parameters.AddWithValue("device", deviceId);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async Task<List<StoredSample>> SamplesAsync()
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return await SamplesAsync(connection, null);
    }

    /// <summary>
    /// Both tables as one consistent snapshot: the edge keeps uploading while a test checks, and a sample
    /// ingested between two separate reads would look like a rollup error.
    /// </summary>
    public async Task<(List<StoredSample> Samples, List<QuarterHourRow> QuarterHours)> SnapshotAsync()
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
        var samples = await SamplesAsync(connection, transaction);
        var quarterHours = await QuarterHoursAsync(connection, transaction);
        await transaction.CommitAsync();
        return (samples, quarterHours);
    }

    private async Task<List<StoredSample>> SamplesAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction)
    {
        const string Sql = """
            SELECT ts, power_w, import_power_w, energy_import_kwh, energy_export_kwh
            FROM samples WHERE device_id = @device ORDER BY ts
            """;
        await using var command = new NpgsqlCommand(Sql, connection, transaction);
        command.Parameters.AddWithValue("device", deviceId);
        await using var reader = await command.ExecuteReaderAsync();
        var samples = new List<StoredSample>();
        while (await reader.ReadAsync())
        {
            samples.Add(new StoredSample(
                reader.GetFieldValue<DateTimeOffset>(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetDouble(3), reader.GetDouble(4)));
        }

        return samples;
    }

    private async Task<List<QuarterHourRow>> QuarterHoursAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction)
    {
        const string Sql = """
            SELECT start, sample_count, import_power_sum_w, import_power_max_w, power_sum_w, power_min_w, power_max_w,
                   first_ts, first_import_kwh, first_export_kwh, last_ts, last_import_kwh, last_export_kwh
            FROM quarter_hours WHERE device_id = @device ORDER BY start
            """;
        await using var command = new NpgsqlCommand(Sql, connection, transaction);
        command.Parameters.AddWithValue("device", deviceId);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<QuarterHourRow>();
        while (await reader.ReadAsync())
        {
            rows.Add(new QuarterHourRow(deviceId,
                reader.GetFieldValue<DateTimeOffset>(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt32(3), reader.GetInt64(4),
                reader.GetInt32(5), reader.GetInt32(6), reader.GetFieldValue<DateTimeOffset>(7), reader.GetDouble(8), reader.GetDouble(9),
                reader.GetFieldValue<DateTimeOffset>(10), reader.GetDouble(11), reader.GetDouble(12)));
        }

        return rows;
    }

    /// <summary>The quarter-hour rollup recomputed from scratch: 15-minute slots aligned in UTC.</summary>
    public static List<QuarterHourRow> Recompute(string deviceId, IEnumerable<StoredSample> samples) =>
        samples
            .GroupBy(s => new DateTimeOffset(s.Ts.UtcTicks - (s.Ts.UtcTicks % TimeSpan.FromMinutes(15).Ticks), TimeSpan.Zero))
            .OrderBy(g => g.Key)
            .Select(g =>
            {
                var ordered = g.OrderBy(s => s.Ts).ToList();
                var first = ordered[0];
                var last = ordered[^1];
                return new QuarterHourRow(
                    deviceId, g.Key, ordered.Count, ordered.Sum(s => (long)s.ImportPowerW), ordered.Max(s => s.ImportPowerW),
                    ordered.Sum(s => (long)s.PowerW), ordered.Min(s => s.PowerW), ordered.Max(s => s.PowerW),
                    first.Ts, first.EnergyImportKwh, first.EnergyExportKwh, last.Ts, last.EnergyImportKwh, last.EnergyExportKwh);
            })
            .ToList();

    /// <summary>
    /// The core promise, checked against the meter's own record: every stored sample is a telegram the meter
    /// produced, with its values; no telegram is stored twice (and the rollup counted each once); and every
    /// telegram from <paramref name="from"/> (once the edge reads steadily) up to <paramref name="until"/> is
    /// stored — except telegrams inside
    /// the <paramref name="tolerated"/> windows, when the edge could not read the meter at all (it was stopped
    /// or killed, or the meter failed its requests): a meter keeps no history, so those were never read.
    /// </summary>
    public async Task AssertCompleteAsync(
        SimulatorHost simulator, DateTimeOffset from, DateTimeOffset until, IReadOnlyList<(DateTimeOffset From, DateTimeOffset To)> tolerated, Func<string> diagnostics)
    {
        var (stored, quarterHours) = await SnapshotAsync();
        // The meter's record is taken after the database's, so that it covers every stored sample.
        var readings = simulator.Readings;
        Assert.True(stored.Count > 0, "nothing was stored.\n" + diagnostics());
        Assert.Equal(stored.Count, stored.Select(s => s.Ts).Distinct().Count());

        var byTs = readings.ToDictionary(r => r.TsUtc);
        foreach (var sample in stored)
        {
            Assert.True(byTs.TryGetValue(sample.Ts, out var telegram), $"stored sample {sample.Ts:O} is not a telegram the meter produced");
            var expectedSample = new StoredSample(telegram.TsUtc, telegram.PowerW, Math.Max(telegram.PowerW, 0), telegram.EnergyImportKwh, telegram.EnergyExportKwh);
            Assert.True(
                sample.PowerW == expectedSample.PowerW && sample.ImportPowerW == expectedSample.ImportPowerW
                    && Math.Abs(sample.EnergyImportKwh - expectedSample.EnergyImportKwh) < 1e-6
                    && Math.Abs(sample.EnergyExportKwh - expectedSample.EnergyExportKwh) < 1e-6,
                $"stored {sample} differs from the meter's telegram {expectedSample}");
        }

        var storedTs = stored.Select(s => s.Ts).ToHashSet();
        var expected = readings.Where(r => r.TsUtc >= from && r.TsUtc <= until).ToList();
        Assert.True(expected.Count > 0, "no meter telegrams in the checked range");
        var missing = expected.Where(r => !storedTs.Contains(r.TsUtc)).Select(r => r.TsUtc).ToList();
        var unexplained = missing.Where(ts => !tolerated.Any(w => ts >= w.From && ts <= w.To)).ToList();
        Assert.True(unexplained.Count == 0,
            $"{unexplained.Count} of {expected.Count} telegrams are missing ({string.Join(", ", unexplained.Take(10).Select(ts => ts.ToString("HH:mm:ss", CultureInfo.InvariantCulture)))}); "
            + $"tolerated windows: {string.Join(", ", tolerated.Select(w => $"{w.From:O}..{w.To:O}"))}.\n{diagnostics()}");

        // The rollup is exact: it matches a recomputation from the stored rows (so no retry or duplicate
        // upload was counted twice) for every slot.
        var recomputed = Recompute(deviceId, stored);
        Assert.Equal(recomputed.Count, quarterHours.Count);
        foreach (var (actual, expectedRow) in quarterHours.Zip(recomputed))
        {
            Assert.True(
                actual.Start == expectedRow.Start && actual.SampleCount == expectedRow.SampleCount
                    && actual.ImportPowerSumW == expectedRow.ImportPowerSumW && actual.ImportPowerMaxW == expectedRow.ImportPowerMaxW
                    && actual.PowerSumW == expectedRow.PowerSumW && actual.PowerMinW == expectedRow.PowerMinW && actual.PowerMaxW == expectedRow.PowerMaxW
                    && actual.FirstTs == expectedRow.FirstTs && actual.LastTs == expectedRow.LastTs
                    && Math.Abs(actual.FirstImportKwh - expectedRow.FirstImportKwh) < 1e-6
                    && Math.Abs(actual.FirstExportKwh - expectedRow.FirstExportKwh) < 1e-6
                    && Math.Abs(actual.LastImportKwh - expectedRow.LastImportKwh) < 1e-6
                    && Math.Abs(actual.LastExportKwh - expectedRow.LastExportKwh) < 1e-6,
                $"quarter_hours row {actual} differs from the recomputation {expectedRow}");
        }
    }
}
