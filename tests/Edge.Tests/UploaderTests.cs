using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.Edge.Health;
using P1Telemetry.Edge.Spooling;
using P1Telemetry.Edge.Tests.Infrastructure;
using P1Telemetry.Edge.Uploading;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.Edge.Tests;

/// <summary>The uploader against a real HTTPS endpoint (Kestrel on 127.0.0.1 with a certificate from a test CA).</summary>
public sealed class UploaderTests() : UploadTestBase<FakeTimeProvider>(new(TestSamples.T0), "P1 Telemetry Test")
{

    private BatchUploader Uploader(int batchSize, string? deviceId = null, System.Security.Cryptography.X509Certificates.X509Certificate2Collection? roots = null, Uri? ingest = null,
        SampleSpool? spool = null)
    {
        var client = new IngestClient(ingest ?? Server.IngestUri, "secret-token", TimeSpan.FromSeconds(10), roots ?? [Ca.CaCertificate]);
        var health = new HealthMonitor(Time);
        var identity = new DeviceIdentity(deviceId, client, health, NullLogger<DeviceIdentity>.Instance);
        return new BatchUploader(spool ?? Spool, client, identity, health, batchSize, NullLogger<BatchUploader>.Instance);
    }

    private async Task SpoolAsync(int count, Func<int, int>? power = null)
    {
        await Spool.EnqueueManyAsync(Enumerable.Range(0, count).Select(i => TestSamples.SampleAt(i, power?.Invoke(i) ?? 100)), default);
    }

    [Fact]
    public async Task A_2xx_acks_the_batch_and_the_backlog_drains_two_batches_at_a_time()
    {
        await SpoolAsync(17);
        var uploader = Uploader(batchSize: 5);

        var first = await uploader.UploadNextAsync(default);
        Assert.Equal(new UploadStep(UploadStepKind.Uploaded, 10, 0, MoreWaiting: true), first);
        Assert.Equal(7, await Spool.CountAsync(default));
        var last = await uploader.UploadNextAsync(default);
        Assert.Equal(new UploadStep(UploadStepKind.Uploaded, 7, 0, MoreWaiting: false), last);
        Assert.Equal(UploadStepKind.Idle, (await uploader.UploadNextAsync(default)).Kind);

        Assert.Equal(0, await Spool.CountAsync(default));
        // No batch is larger than BATCH_SIZE; the two of a step travel at once, so their order is not fixed.
        Assert.Equal([2, 5, 5, 5], Server.RequestSizes.Order());
        Assert.Equal(Enumerable.Range(0, 17).Select(i => TestSamples.T0.AddSeconds(i)), Server.Accepted.Select(s => s.Ts).Order());
        Assert.All(Server.Accepted, s => Assert.Equal("meter-1", s.DeviceId)); // learnt from GET /v1/me
        Assert.Equal("Bearer secret-token", Server.LastAuthorization);
        Assert.Equal("gzip", Server.LastContentEncoding);
    }

    [Fact]
    public async Task An_older_batch_that_fails_beside_an_accepted_newer_one_stays_spooled_and_goes_again()
    {
        await SpoolAsync(10);
        var refused = 0;
        Server.Respond = samples =>
        {
            // The oldest batch is refused once, whenever it arrives.
            if (samples[0].Ts == TestSamples.T0 && Interlocked.Increment(ref refused) == 1)
            {
                return Results.StatusCode(503);
            }

            return IngestTestServer.Ok(samples);
        };
        var uploader = Uploader(batchSize: 5);

        var first = await uploader.UploadNextAsync(default);

        Assert.Equal(UploadStepKind.Retry, first.Kind);
        Assert.Equal(5, first.Uploaded);
        var left = await Spool.PeekAsync(10, default);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => TestSamples.T0.AddSeconds(i)), left.Select(s => SampleSpool.Deserialize(s.Payload, "x").Ts));

        Assert.Equal(new UploadStep(UploadStepKind.Uploaded, 5, 0, MoreWaiting: false), await uploader.UploadNextAsync(default));
        Assert.Equal(0, await Spool.CountAsync(default));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => TestSamples.T0.AddSeconds(i)), Server.Accepted.Select(s => s.Ts).Order());
    }

    [Fact]
    public async Task A_configured_device_id_is_stamped_on_every_sample()
    {
        await SpoolAsync(3);

        await Uploader(10, deviceId: "garage.meter_2").UploadNextAsync(default);

        Assert.All(Server.Accepted, s => Assert.Equal("garage.meter_2", s.DeviceId));
    }

    [Fact]
    public async Task A_spool_written_by_an_earlier_version_uploads_with_the_learnt_device_id()
    {
        // Rows exactly as earlier versions spooled them: the sample's JSON with device_id cut off the front.
        var path = Directory.File("old-spool.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE spool (id INTEGER PRIMARY KEY AUTOINCREMENT, payload TEXT NOT NULL);
                INSERT INTO spool (payload) VALUES
                  ('{"ts":"2026-06-01T00:00:00+00:00","power_w":-250,"import_power_w":0,"energy_import_kwh":1000.125,"energy_export_kwh":5.5,"power_l1_w":-250}'),
                  ('{"ts":"2026-06-01T00:00:01+00:00","power_w":300,"import_power_w":300,"energy_import_kwh":1000.25,"energy_export_kwh":5.5,"gas_m3":12.345,"gas_ts":"2026-05-31T23:55:00+00:00"}');
                """;
            command.ExecuteNonQuery();
        }

        using var spool = SampleSpool.Open(path, Time);

        Assert.Equal(new UploadStep(UploadStepKind.Uploaded, 2, 0), await Uploader(10, spool: spool).UploadNextAsync(default));

        Assert.Equal(0, await spool.CountAsync(default));
        Assert.Equal(
        [
            new Sample
            {
                DeviceId = "meter-1", Ts = TestSamples.T0, PowerW = -250, ImportPowerW = 0,
                EnergyImportKwh = 1000.125, EnergyExportKwh = 5.5, PowerL1W = -250,
            },
            new Sample
            {
                DeviceId = "meter-1", Ts = TestSamples.T0.AddSeconds(1), PowerW = 300, ImportPowerW = 300,
                EnergyImportKwh = 1000.25, EnergyExportKwh = 5.5, GasM3 = 12.345, GasTs = TestSamples.T0.AddMinutes(-5),
            },
        ], Server.Accepted);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    public async Task A_5xx_keeps_every_sample_and_asks_for_a_backoff(int status)
    {
        await SpoolAsync(8);
        Server.Respond = _ => Results.StatusCode(status);

        var step = await Uploader(5).UploadNextAsync(default);

        Assert.Equal(UploadStepKind.Retry, step.Kind);
        Assert.Contains($"HTTP {status}", step.Reason, StringComparison.Ordinal);
        Assert.Equal(8, await Spool.CountAsync(default));
        Assert.Equal(0, await Spool.QuarantineCountAsync(default));
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    public async Task A_refused_token_keeps_every_sample(int status)
    {
        await SpoolAsync(8);
        Server.Respond = _ => Results.StatusCode(status);

        var step = await Uploader(5, deviceId: "meter-1").UploadNextAsync(default);

        Assert.Equal(UploadStepKind.Unauthorized, step.Kind);
        Assert.Equal(8, await Spool.CountAsync(default));
        Assert.Equal(0, await Spool.QuarantineCountAsync(default));
        Assert.Empty(Server.Accepted);
    }

    [Fact]
    public async Task A_413_halves_the_batch_until_the_server_accepts_it()
    {
        await SpoolAsync(10);
        Server.Respond = samples => samples.Count > 3 ? Results.StatusCode(413) : IngestTestServer.Ok(samples);
        var uploader = Uploader(batchSize: 10);

        var steps = new List<UploadStepKind>();
        UploadStep step;
        do
        {
            step = await uploader.UploadNextAsync(default);
            steps.Add(step.Kind);
        }
        while (step.Kind != UploadStepKind.Idle);

        // 10 → 413; two of 5 at once → 413; then two of 2 at a time.
        Assert.Equal([10, 5, 5, 2, 2, 2, 2, 2], Server.RequestSizes);
        Assert.Equal(2, uploader.BatchSize);
        Assert.Equal(0, await Spool.CountAsync(default));
        Assert.Equal(10, Server.Accepted.Count);
        Assert.Equal(UploadStepKind.Resized, steps[0]);
    }

    [Fact]
    public async Task A_422_is_bisected_so_only_the_offending_samples_are_quarantined()
    {
        await SpoolAsync(10, power: i => i is 3 or 7 ? 666 : 100);
        Server.Respond = samples =>
        {
            var bad = samples.Select((s, i) => (s, i)).Where(x => x.s.PowerW == 666).Select(x => x.i).ToList();
            return bad.Count == 0
                ? IngestTestServer.Ok(samples)
                : Results.Problem(statusCode: 422, title: "Invalid samples", detail: "power_w 666 is cursed",
                    extensions: new Dictionary<string, object?> { ["errors"] = bad.Select(i => new { index = i, reason = "power_w" }).ToList() });
        };

        var step = await Uploader(batchSize: 10).UploadNextAsync(default);

        Assert.Equal(UploadStepKind.Uploaded, step.Kind);
        Assert.Equal((8, 2), (step.Uploaded, step.Quarantined));
        Assert.Equal(0, await Spool.CountAsync(default));
        Assert.Equal(Enumerable.Range(0, 10).Where(i => i is not (3 or 7)).Select(i => TestSamples.T0.AddSeconds(i)), Server.Accepted.Select(s => s.Ts).Order());
        var quarantined = await Spool.ReadQuarantineAsync(10, default);
        Assert.Equal([3, 7], quarantined.Select(q => (int)(SampleSpool.Deserialize(q.Payload, "x").Ts - TestSamples.T0).TotalSeconds));
        Assert.All(quarantined, q => Assert.Contains("HTTP 422", q.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_5xx_in_the_middle_of_a_bisection_keeps_what_was_not_confirmed()
    {
        await SpoolAsync(8, power: i => i == 1 ? 666 : 100);
        var calls = 0;
        Server.Respond = samples =>
        {
            calls++;
            if (calls > 3)
            {
                return Results.StatusCode(503);
            }

            return samples.Any(s => s.PowerW == 666) ? Results.StatusCode(422) : IngestTestServer.Ok(samples);
        };

        // 8 → 422; [0..3] → 422; [0,1] → 422; [0] → 503: everything not confirmed stays.
        var step = await Uploader(batchSize: 8).UploadNextAsync(default);

        Assert.Equal(UploadStepKind.Retry, step.Kind);
        Assert.Equal(8, await Spool.CountAsync(default));
        Assert.Equal(0, await Spool.QuarantineCountAsync(default));
    }

    [Fact]
    public async Task A_certificate_from_an_untrusted_ca_is_refused_and_nothing_is_sent()
    {
        await SpoolAsync(4);
        using var otherCa = TestCertificates.Create(commonName: "Some Other CA");

        var step = await Uploader(5, deviceId: "meter-1", roots: [otherCa.CaCertificate]).UploadNextAsync(default);

        Assert.Equal(UploadStepKind.Retry, step.Kind);
        Assert.Contains("certificate", step.Reason, StringComparison.Ordinal);
        Assert.Equal(4, await Spool.CountAsync(default));
        Assert.Empty(Server.RequestSizes);
    }

    [Fact]
    public async Task A_trusted_ca_does_not_excuse_a_host_name_mismatch()
    {
        await using var wrongName = await IngestTestServer.StartAsync(Ca.IssueServerCertificate("api.example.org", withLoopbackNames: false));
        await SpoolAsync(4);

        var step = await Uploader(5, deviceId: "meter-1", ingest: wrongName.IngestUri).UploadNextAsync(default);

        Assert.Equal(UploadStepKind.Retry, step.Kind);
        Assert.Equal(4, await Spool.CountAsync(default));
        Assert.Empty(wrongName.RequestSizes);
    }

    [Fact]
    public void Plain_http_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new IngestClient(new Uri("http://127.0.0.1:1/v1/ingest"), "t", TimeSpan.FromSeconds(1), null));
    }

    [Fact]
    public async Task Without_device_id_and_without_v1_me_nothing_is_uploaded()
    {
        await SpoolAsync(4);
        Server.MeDeviceId = null;

        var step = await Uploader(5).UploadNextAsync(default);

        Assert.Equal(UploadStepKind.Retry, step.Kind);
        Assert.Contains("device id", step.Reason, StringComparison.Ordinal);
        Assert.Equal(4, await Spool.CountAsync(default));
        Assert.Empty(Server.RequestSizes);
    }

    [Theory]
    [InlineData("https://vps.example.org/v1/ingest", "https://vps.example.org/v1/me")]
    [InlineData("https://vps.example.org:8443/p1/v1/ingest", "https://vps.example.org:8443/p1/v1/me")]
    [InlineData("https://vps.example.org/upload", "https://vps.example.org/v1/me")]
    public void The_me_endpoint_shares_the_ingest_origin(string ingest, string me)
    {
        Assert.Equal(new Uri(me), IngestClient.MeUri(new Uri(ingest)));
    }
}
