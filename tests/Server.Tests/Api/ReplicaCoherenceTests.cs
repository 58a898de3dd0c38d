using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.Server.Tests.Support;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.Server.Tests.Api;

/// <summary>
/// Two real server processes on one PostgreSQL and one Redis, with caches that would live for five minutes:
/// whatever replica 2 had cached, an ingest through replica 1 is visible through replica 2 on every read.
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class ReplicaCoherenceTests(PostgresClusterFixture cluster) : IAsyncLifetime
{
    private static readonly TimeZoneInfo Brussels = TimeZoneInfo.FindSystemTimeZoneById("Europe/Brussels");
    private readonly List<IAsyncDisposable> _parts = [];
    private string _connectionString = null!;
    private RedisInstance _redis = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisInstance.StartAsync();
        _parts.Add(_redis);
        _connectionString = await cluster.Instance.CreateDatabaseAsync("replicas");
        await ServerProcess.MigrateAsync(Settings(redis: true));
    }

    public async Task DisposeAsync()
    {
        foreach (var part in Enumerable.Reverse(_parts))
        {
            await part.DisposeAsync();
        }
    }

    private Dictionary<string, string?> Settings(bool redis) => new()
    {
        ["DATABASE_URL"] = _connectionString,
        ["REDIS_URL"] = redis ? _redis.Url : null,
        ["DEVICE_TOKENS"] = $"{ServerFactory.Token1}:{ServerFactory.Device1}",
        ["CACHE_TTL_S"] = "300",
        ["LOG_LEVEL"] = "Warning",
    };

    private async Task<HttpClient> StartReplicaAsync()
    {
        var server = await ServerProcess.StartAsync(Settings(redis: true));
        _parts.Add(server);
        var client = new HttpClient { BaseAddress = server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ServerFactory.Token1);
        return client;
    }

    [Fact]
    public async Task The_last_upload_through_replica_1_is_known_to_replica_2()
    {
        using var replica1 = await StartReplicaAsync();
        using var replica2 = await StartReplicaAsync();
        Assert.Equal(JsonValueKind.Null, (await LastUploadAsync(replica2)).ValueKind);

        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var samples = Meter(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddSeconds(-2), hole: null);
        Assert.Equal(samples.Count, (await replica1.IngestAsync(samples)).Inserted);

        // The upload time is written after the answer, so replica 2 learns it shortly after.
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(10);
        while ((await LastUploadAsync(replica2)).ValueKind == JsonValueKind.Null && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var seen = (await LastUploadAsync(replica2)).GetDateTimeOffset();
        Assert.InRange(seen, before, DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal(seen, (await LastUploadAsync(replica1)).GetDateTimeOffset());
    }

    private static async Task<JsonElement> LastUploadAsync(HttpClient replica)
    {
        using var document = JsonDocument.Parse(await replica.GetStringAsync("/v1/devices"));
        return document.RootElement.GetProperty("devices")[0].GetProperty("last_upload_at").Clone();
    }

    [Fact]
    public async Task Every_read_through_replica_2_is_fresh_after_an_ingest_through_replica_1()
    {
        using var replica1 = await StartReplicaAsync();
        using var replica2 = await StartReplicaAsync();

        // The scenario needs two closed quarters of this local month before the running one; in the first half
        // hour of a month (Brussels time) it waits for them rather than straddling two months.
        await WaitUntilHalfAnHourIntoTheMonthAsync();
        var now = DateTimeOffset.UtcNow;
        var quarter = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.FromMinutes(15).Ticks), TimeSpan.Zero);
        var localNow = TimeZoneInfo.ConvertTime(now, Brussels);
        var month = localNow.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var pastMonth = localNow.AddMonths(-2).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var pastMonthDay = new DateTimeOffset(localNow.AddMonths(-2).Year, localNow.AddMonths(-2).Month, 10, 10, 0, 0, TimeSpan.Zero);

        // Two quarters at 1 kW up to now, with a 15-minute hole (a gap, never a peak) across which the register
        // already rose by what 8 kW would draw in it: the hole's readings arrive later, as a backlog would.
        var hole = quarter.AddMinutes(-15);
        var holeDay = TimeZoneInfo.ConvertTime(hole, Brussels).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var live = Meter(quarter.AddMinutes(-45), now.AddSeconds(-2), hole);
        Assert.Equal(live.Count, (await replica1.IngestAsync(live)).Inserted);

        var reads = new[]
        {
            $"/v1/realtime?device_id={ServerFactory.Device1}",
            $"/v1/capacity/month/{month}?device_id={ServerFactory.Device1}",
            $"/v1/capacity/month/{pastMonth}?device_id={ServerFactory.Device1}",
            $"/v1/capacity/year/{localNow.Year}?device_id={ServerFactory.Device1}",
            $"/v1/series?device_id={ServerFactory.Device1}&frame=day&date={holeDay}",
            $"/v1/series?device_id={ServerFactory.Device1}&frame=all",
            $"/v1/series?device_id={ServerFactory.Device1}&frame=month&date={pastMonth}-10",
            $"/v1/export?device_id={ServerFactory.Device1}&from={pastMonth}-01T00:00:00Z&to={now.AddMinutes(1):yyyy-MM-ddTHH:mm:ssZ}&format=json&resolution=quarter_hour",
        };

        // Replica 2 computes and caches every view before the backlog arrives.
        var before = new Dictionary<string, string>();
        foreach (var read in reads)
        {
            before[read] = await replica2.GetStringAsync(read);
        }

        Assert.InRange(LiveMonthPeak(before[reads[0]]), 1000 - 30, 1000 + 30);

        var backlog = Meter(hole, hole.AddMinutes(15).AddSeconds(-10), hole: null, powerW: 8000, startKwh: RegisterAt(live, hole));
        backlog.AddRange(Meter(pastMonthDay, pastMonthDay.AddMinutes(30), hole: null, powerW: 5000, startKwh: 10));
        var response = await replica1.IngestAsync(backlog);
        Assert.Equal(backlog.Count, response.Inserted);

        var after = new Dictionary<string, string>();
        foreach (var read in reads)
        {
            after[read] = await replica2.GetStringAsync(read);
            Assert.True(before[read] != after[read], $"{read} still answers what it answered before the backlog: {after[read]}");
        }

        Assert.InRange(LiveMonthPeak(after[reads[0]]), 8000 - 30, 8000 + 30);
        Assert.InRange(Property(after[reads[1]], "monthly_peak_w"), 8000 - 30, 8000 + 30);
        Assert.InRange(Property(after[reads[2]], "monthly_peak_w"), 5000 - 30, 5000 + 30);
    }

    [Fact]
    public async Task A_second_replica_without_redis_refuses_to_start_and_names_the_setting()
    {
        await using var first = await ServerProcess.StartAsync(Settings(redis: false));
        await using var second = ServerProcess.Start(Settings(redis: false));

        var exitCode = await second.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, exitCode);
        Assert.Contains("REDIS_URL", second.StandardError + second.StandardOutput, StringComparison.Ordinal);
        Assert.False(first.HasExited);
    }

    [Fact]
    public async Task A_replica_with_redis_refuses_to_join_one_that_keeps_its_cache_in_memory()
    {
        await using var first = await ServerProcess.StartAsync(Settings(redis: false));
        await using var second = ServerProcess.Start(Settings(redis: true));

        Assert.NotEqual(0, await second.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("REDIS_URL", second.StandardError + second.StandardOutput, StringComparison.Ordinal);
    }

    private static async Task WaitUntilHalfAnHourIntoTheMonthAsync()
    {
        var localNow = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Brussels);
        var monthStart = new DateTimeOffset(localNow.Year, localNow.Month, 1, 0, 0, 0, localNow.Offset);
        var ready = monthStart.AddMinutes(30).AddSeconds(5);
        if (localNow < ready)
        {
            await Task.Delay(ready - localNow);
        }
    }

    /// <summary>10-second readings at a constant power from <paramref name="from"/> to <paramref name="to"/>, skipping a 15-minute hole.</summary>
    private static List<Sample> Meter(DateTimeOffset from, DateTimeOffset to, DateTimeOffset? hole, int powerW = 1000, double startKwh = 100)
    {
        var samples = new List<Sample>();
        var kwh = startKwh;
        for (var ts = from; ts <= to; ts = ts.AddSeconds(10))
        {
            var inHole = hole is { } h && ts >= h && ts < h.AddMinutes(15);
            if (!inHole)
            {
                samples.Add(Samples.At(ServerFactory.Device1, ts, powerW, Math.Round(kwh, 4)));
            }

            // Across the hole the register rises as 8 kW would make it.
            kwh += (inHole ? 8000 : powerW) * 10 / 3_600_000.0;
        }

        return samples;
    }

    private static double RegisterAt(List<Sample> samples, DateTimeOffset ts)
    {
        var before = samples.Last(s => s.Ts < ts);
        return before.EnergyImportKwh + ((ts - before.Ts).TotalHours * before.ImportPowerW / 1000);
    }

    private static double LiveMonthPeak(string realtime)
    {
        using var document = JsonDocument.Parse(realtime);
        return document.RootElement.GetProperty("live_quarter").GetProperty("month_peak_so_far_w").GetDouble();
    }

    private static double Property(string json, string name)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty(name).GetDouble();
    }
}
