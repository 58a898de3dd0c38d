using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;
using P1Telemetry.Contracts.Domain;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.Server.Storage;
using P1Telemetry.Server.Storage.Migrations;
using P1Telemetry.Server.Tests.Support;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.Server.Tests.Grafana;

/// <summary>
/// The shipped Grafana dashboard against the real PostgreSQL schema: every query, with Grafana's macros and the
/// dashboard's variables substituted, runs as the read-only role of migration 0006 over seeded data and returns
/// rows; and that role reads nothing secret and writes nothing.
/// </summary>
[Collection(PostgresTests.Name)]
public sealed partial class GrafanaDashboardTests(PostgresClusterFixture cluster) : IAsyncLifetime
{
    private const string Role = "p1_grafana_reader";
    private const string Device = "meter-g";
    private static readonly DateTimeOffset From = new(2026, 2, 10, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = new(2026, 3, 10, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset SeedStart = new(2026, 1, 20, 0, 0, 0, TimeSpan.Zero);
    private NpgsqlDataSource _dataSource = null!;

    public async Task InitializeAsync()
    {
        _dataSource = NpgsqlDataSource.Create(await cluster.Instance.CreateDatabaseAsync("grafana"));
        await new PostgresSchemaMigrator(_dataSource).MigrateAsync(default);
        var store = new PostgresSampleStore(_dataSource);
        var samples = Household(SeedStart, To.AddDays(1));
        foreach (var batch in samples.Chunk(10_000))
        {
            await store.AppendAsync(Device, batch, default);
        }

        await ExecuteAsync("""
            INSERT INTO devices (device_id, name, timezone, grid_area, created_at, updated_at)
                VALUES ('meter-g', 'Grafana home', 'Europe/Brussels', 'imewo', now(), now());
            INSERT INTO meter_peaks (device_id, month, peak_w, peak_ts, received_at) VALUES
                ('meter-g', '2025-11', 4100, '2025-11-20T18:00:00Z', now()),
                ('meter-g', '2025-12', 5300, '2025-12-24T17:00:00Z', now());
            INSERT INTO device_tokens (device_id, label, token_hash, created_at) VALUES ('meter-g', 'edge', '\x01', now());
            INSERT INTO users (username, password_hash, security_stamp, created_at) VALUES ('owner', 'hash', 'stamp', now());
            INSERT INTO data_protection_keys (friendly_name, xml) VALUES ('key-1', '<key/>');
            """);
    }

    public async Task DisposeAsync() => await _dataSource.DisposeAsync();

    [Fact]
    public async Task Every_dashboard_query_runs_as_the_read_only_role_and_returns_rows()
    {
        var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(DashboardPath)).RootElement;
        var variables = await VariablesAsync(dashboard);
        Assert.Equal(Device, variables["device"]);

        var panels = dashboard.GetProperty("panels").EnumerateArray().ToList();
        Assert.Equal(6, panels.Count);
        foreach (var panel in panels)
        {
            var title = panel.GetProperty("title").GetString()!;
            foreach (var target in panel.GetProperty("targets").EnumerateArray())
            {
                Assert.Equal("p1-postgres", target.GetProperty("datasource").GetProperty("uid").GetString());
                var rows = await QueryAsReaderAsync(Substitute(target.GetProperty("rawSql").GetString()!, variables));
                Assert.True(rows.Count > 0, $"panel '{title}' returned no rows");
                Assert.True(rows.All(row => row.ContainsKey("time")), $"panel '{title}' has no time column");
            }
        }
    }

    [Fact]
    public async Task The_quarter_values_and_monthly_peaks_agree_with_the_servers_own_computation()
    {
        var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(DashboardPath)).RootElement;
        var variables = await VariablesAsync(dashboard);
        var quarters = await QueryAsReaderAsync(Substitute(PanelSql(dashboard, "Quarter-hour values"), variables));
        var peaks = await QueryAsReaderAsync(Substitute(PanelSql(dashboard, "Monthly peaks"), variables));

        // The server's computation of February 2026 (local month in Brussels).
        var february = new TimeRange(new DateTimeOffset(2026, 1, 31, 23, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 2, 28, 23, 0, 0, TimeSpan.Zero));
        var rows = await new PostgresSampleStore(_dataSource).GetQuarterHoursAsync(Device, february.Start.AddMinutes(-15), february.End.AddMinutes(15), default);
        var slots = rows.Select(r => new QuarterSlot
        {
            Start = r.Start,
            SampleCount = r.SampleCount,
            ImportPowerSumW = r.ImportPowerSumW,
            ImportPowerMaxW = r.ImportPowerMaxW,
            PowerSumW = r.PowerSumW,
            PowerMinW = r.PowerMinW,
            PowerMaxW = r.PowerMaxW,
            FirstTs = r.FirstTs,
            FirstImportKwh = r.FirstImportKwh,
            FirstExportKwh = r.FirstExportKwh,
            LastTs = r.LastTs,
            LastImportKwh = r.LastImportKwh,
            LastExportKwh = r.LastExportKwh,
        }).ToList();
        var expected = QuarterValues.Compute(slots, february).Quarters;
        var expectedPeak = expected.Max(q => q.AveragePowerW);

        var inFebruary = quarters.Where(r => (DateTime)r["time"]! >= From.UtcDateTime && (DateTime)r["time"]! < february.End.UtcDateTime).ToList();
        Assert.Equal(expected.Count(q => q.Start >= From), inFebruary.Count);
        foreach (var row in inFebruary.Take(200))
        {
            var start = new DateTimeOffset((DateTime)row["time"]!, TimeSpan.Zero);
            Assert.Equal(expected.Single(q => q.Start == start).AveragePowerW, Convert.ToDouble(row["Quarter-hour value"], CultureInfo.InvariantCulture), 6);
        }

        var februaryRow = peaks.Single(r => (DateTime)r["time"]! == february.Start.UtcDateTime);
        Assert.Equal(expectedPeak, Convert.ToDouble(februaryRow["Monthly peak"], CultureInfo.InvariantCulture), 6);
        Assert.Equal(Math.Max(2500, expectedPeak), Convert.ToDouble(februaryRow["Billed peak"], CultureInfo.InvariantCulture), 6);
    }

    [Theory]
    [InlineData("SELECT * FROM device_tokens")]
    [InlineData("SELECT * FROM users")]
    [InlineData("SELECT * FROM user_api_tokens")]
    [InlineData("SELECT * FROM grants")]
    [InlineData("SELECT * FROM sign_in_failures")]
    [InlineData("SELECT * FROM data_protection_keys")]
    [InlineData("INSERT INTO samples (device_id, ts, power_w, import_power_w, energy_import_kwh, energy_export_kwh) VALUES ('x', now(), 1, 1, 1, 1)")]
    [InlineData("UPDATE devices SET name = 'taken'")]
    [InlineData("DELETE FROM quarter_hours")]
    [InlineData("TRUNCATE meter_peaks")]
    [InlineData("CREATE TABLE planted (id int)")]
    public async Task The_read_only_role_reads_no_secret_and_writes_nothing(string sql)
    {
        var error = await Assert.ThrowsAsync<PostgresException>(() => QueryAsReaderAsync(sql));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
    }

    [Fact]
    public async Task The_role_is_a_group_role_that_cannot_log_in_and_migrating_another_database_keeps_it()
    {
        await new PostgresSchemaMigrator(NpgsqlDataSource.Create(await cluster.Instance.CreateDatabaseAsync("grafana_again"))).MigrateAsync(default);
        await using var command = _dataSource.CreateCommand("SELECT rolcanlogin, rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Role });
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.False(reader.GetBoolean(0));
        Assert.False(reader.GetBoolean(1));
        Assert.False(reader.GetBoolean(2));
        Assert.False(reader.GetBoolean(3));
    }

    [Fact]
    public async Task The_login_script_gives_the_grafana_user_the_read_only_role_and_can_run_again()
    {
        var builder = new NpgsqlConnectionStringBuilder(_dataSource.ConnectionString);
        string[] arguments =
        [
            "-h", builder.Host!, "-p", builder.Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", "-d", builder.Database!,
            "-v", "ON_ERROR_STOP=1", "-v", "password=grafana secret with 'quotes'", "-f", RepositoryRoot.Combine("deploy", "grafana", "grafana-login.sql"),
        ];
        await PsqlAsync(arguments);
        await PsqlAsync(arguments);

        builder.Username = "grafana";
        builder.Pooling = false;
        await using var grafana = new NpgsqlConnection(builder.ConnectionString);
        await grafana.OpenAsync();
        await using (var read = new NpgsqlCommand("SELECT count(*) FROM quarter_hours WHERE device_id = 'meter-g'", grafana))
        {
            Assert.True((long)(await read.ExecuteScalarAsync())! > 0);
        }

        await using var secret = new NpgsqlCommand("SELECT count(*) FROM device_tokens", grafana);
        var error = await Assert.ThrowsAsync<PostgresException>(() => secret.ExecuteScalarAsync());
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
    }

    private static async Task PsqlAsync(string[] arguments)
    {
        var psql = await CommandRunner.RunAsync("/usr/lib/postgresql/15/bin/psql", arguments, timeout: TimeSpan.FromSeconds(60));
        Assert.True(psql.ExitCode == 0, $"psql exited with {psql.ExitCode}: {psql.StandardError} {psql.StandardOutput}");
    }

    private static string DashboardPath => RepositoryRoot.Combine("deploy", "grafana", "dashboards", "p1-telemetry.json");

    private static string PanelSql(JsonElement dashboard, string titleStart) => dashboard.GetProperty("panels").EnumerateArray()
        .Single(p => p.GetProperty("title").GetString()!.StartsWith(titleStart, StringComparison.Ordinal))
        .GetProperty("targets")[0].GetProperty("rawSql").GetString()!;

    /// <summary>The dashboard's variables: constants and custom ones at their current value, queries run as the role (the seeded device).</summary>
    private async Task<Dictionary<string, string>> VariablesAsync(JsonElement dashboard)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var variable in dashboard.GetProperty("templating").GetProperty("list").EnumerateArray())
        {
            var name = variable.GetProperty("name").GetString()!;
            if (variable.GetProperty("type").GetString() == "query")
            {
                var rows = await QueryAsReaderAsync(Substitute(variable.GetProperty("query").GetString()!, variables));
                Assert.NotEmpty(rows);
                Assert.Equal("Grafana home", rows[0]["__text"]);
                variables[name] = (string)rows[0]["__value"]!;
            }
            else
            {
                variables[name] = variable.GetProperty("current").GetProperty("value").GetString()!;
            }
        }

        return variables;
    }

    /// <summary>What Grafana's PostgreSQL datasource sends for the range [From, To] and a 1-minute interval.</summary>
    private static string Substitute(string sql, IReadOnlyDictionary<string, string> variables)
    {
        var from = $"'{From:yyyy-MM-ddTHH:mm:ssZ}'";
        var to = $"'{To:yyyy-MM-ddTHH:mm:ssZ}'";
        sql = sql.Replace("$__interval", "1m", StringComparison.Ordinal)
            .Replace("$__timeFrom()", from, StringComparison.Ordinal)
            .Replace("$__timeTo()", to, StringComparison.Ordinal);
        sql = TimeFilter().Replace(sql, m => $"{m.Groups[1].Value} BETWEEN {from} AND {to}");
        sql = TimeGroupAlias().Replace(sql, m => $"floor(extract(epoch from {m.Groups[1].Value})/60)*60 AS \"time\"");
        foreach (var (name, value) in variables.OrderByDescending(v => v.Key.Length))
        {
            sql = sql.Replace("$" + name, value, StringComparison.Ordinal);
        }

        Assert.False(sql.Contains('$', StringComparison.Ordinal), $"unsubstituted macro or variable in:\n{sql}");
        return sql;
    }

    private async Task<List<Dictionary<string, object?>>> QueryAsReaderAsync(string sql)
    {
        await using var connection = await _dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var role = new NpgsqlCommand($"SET LOCAL ROLE {Role}", connection, transaction))
        {
            await role.ExecuteNonQueryAsync();
        }

        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<Dictionary<string, object?>>();
        while (await reader.ReadAsync())
        {
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var command = _dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A reading a minute with a daily rhythm and an evening peak that grows over the weeks, and a one-hour outage.</summary>
    private static List<Sample> Household(DateTimeOffset start, DateTimeOffset end)
    {
        var samples = new List<Sample>();
        var import = 1000.0;
        var outage = new DateTimeOffset(2026, 2, 20, 3, 0, 0, TimeSpan.Zero);
        for (var ts = start; ts < end; ts = ts.AddMinutes(1))
        {
            var hour = ts.Hour;
            var power = 300 + (hour is >= 17 and < 19 ? 2000 + ((ts - start).Days * 40) + (ts.Minute * 7) : 150 * (hour % 5));
            import += power / 60_000.0;
            if (ts >= outage && ts < outage.AddHours(1))
            {
                continue;
            }

            samples.Add(Samples.At(Device, ts, power, import));
        }

        return samples;
    }

    [GeneratedRegex(@"\$__timeFilter\(([^)]+)\)")]
    private static partial Regex TimeFilter();

    [GeneratedRegex(@"\$__timeGroupAlias\(([^,]+),\s*1m\)")]
    private static partial Regex TimeGroupAlias();
}
