using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using P1Telemetry.Edge.Configuration;
using P1Telemetry.Edge.Health;
using P1Telemetry.Edge.Spooling;
using P1Telemetry.Edge.Tests.Infrastructure;
using P1Telemetry.Edge.Uploading;

namespace P1Telemetry.Edge.Tests;

/// <summary>
/// What counts as an acknowledgement, against a real HTTPS endpoint that plays a misconfigured proxy or a
/// server whose clock lags: only a parsed ingest answer that accounts for every sample deletes anything.
/// </summary>
public sealed class AcknowledgementTests() : UploadTestBase<FakeTimeProvider>(new(TestSamples.T0), "Ack Test")
{
    private HealthMonitor _health = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _health = new HealthMonitor(Time);
    }

    private BatchUploader Uploader(int batchSize = 10, Uri? ingest = null)
    {
        var client = new IngestClient(ingest ?? Server.IngestUri, "secret-token", TimeSpan.FromSeconds(10), [Ca.CaCertificate]);
        var identity = new DeviceIdentity("meter-1", client, _health, NullLogger<DeviceIdentity>.Instance);
        return new BatchUploader(Spool, client, identity, _health, batchSize, NullLogger<BatchUploader>.Instance);
    }

    private Task<int> SpoolAsync(int count, Func<int, int>? power = null) =>
        Spool.EnqueueManyAsync(Enumerable.Range(0, count).Select(i => TestSamples.SampleAt(i, power?.Invoke(i) ?? 100)), default);

    public static TheoryData<string> ProxyAnswers() =>
    [
        "redirect to a 200 page",
        "redirect that re-posts to a look-alike",
        "html 200",
        "zero of five",
        "fewer than sent",
        "more than sent",
        "204 no content",
        "inserted without duplicates",
        "json array",
        "strings for counts",
    ];

    private IResult Answer(string answer, IReadOnlyList<Contracts.Wire.Sample> samples) => answer switch
    {
        "redirect to a 200 page" => Results.Redirect(new Uri(Server.BaseUri, "/landing").ToString()),
        "redirect that re-posts to a look-alike" => Results.Redirect(new Uri(Server.BaseUri, "/v1/elsewhere").ToString(), permanent: true, preserveMethod: true),
        "html 200" => Results.Content("<!doctype html><html><body>Service moved</body></html>", "text/html"),
        "zero of five" => Results.Json(new { inserted = 0, duplicates = 0 }),
        "fewer than sent" => Results.Json(new { inserted = samples.Count - 2, duplicates = 1 }),
        "more than sent" => Results.Json(new { inserted = samples.Count, duplicates = 1 }),
        "204 no content" => Results.NoContent(),
        "inserted without duplicates" => Results.Json(new { inserted = samples.Count }),
        "json array" => Results.Json(new[] { samples.Count, 0 }),
        "strings for counts" => Results.Json(new { inserted = samples.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), duplicates = "0" }),
        _ => throw new ArgumentOutOfRangeException(nameof(answer)),
    };

    [Theory]
    [MemberData(nameof(ProxyAnswers))]
    public async Task Nothing_is_deleted_unless_a_parsed_answer_accounts_for_every_sample(string answer)
    {
        await SpoolAsync(5);
        Server.Respond = samples => Answer(answer, samples);
        var uploader = Uploader();

        for (var i = 0; i < 3; i++)
        {
            var step = await uploader.UploadNextAsync(default);
            Assert.Equal(0, step.Uploaded);
            Assert.True(step.Kind is UploadStepKind.Retry or UploadStepKind.Misdirected, $"{step.Kind}: {step.Reason}");
        }

        Assert.Equal(5, await Spool.CountAsync(default));
        Assert.Equal(0, await Spool.QuarantineCountAsync(default));
        Assert.Empty(Server.RedirectTargetHits); // redirects are never followed
        Assert.Null(_health.Snapshot(5, 0).LastUploadAt);
    }

    [Fact]
    public async Task A_redirect_names_its_location_and_the_setting_to_fix()
    {
        await SpoolAsync(5);
        Server.Respond = _ => Results.Redirect("https://proxy.example.org/login?next=ingest");
        var log = new ListLogger<UploaderService>();
        var uploader = Uploader();
        var service = new UploaderService(uploader, Spool, _health, new EdgeOptions(), Time,
            new ExponentialBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), new FixedRandom(0.5)), log);

        var step = await uploader.UploadNextAsync(default);
        var delay = service.NextDelay(step);

        Assert.Equal(UploadStepKind.Misdirected, step.Kind);
        Assert.True(delay > TimeSpan.Zero);
        var line = Assert.Single(log.Entries, e => e.Level == LogLevel.Error).Message;
        Assert.Contains("https://proxy.example.org/login?next=ingest", line, StringComparison.Ordinal);
        Assert.Contains("VPS_INGEST_URL", line, StringComparison.Ordinal);
        Assert.Equal(5, await Spool.CountAsync(default));
    }

    [Fact]
    public async Task Inserted_plus_duplicates_equal_to_the_samples_sent_is_an_ack()
    {
        await SpoolAsync(5);
        Server.Respond = samples => Results.Json(new { inserted = 2, duplicates = samples.Count - 2 });

        var step = await Uploader().UploadNextAsync(default);

        Assert.Equal(new UploadStep(UploadStepKind.Uploaded, 5, 0, MoreWaiting: false), step);
        Assert.Equal(0, await Spool.CountAsync(default));
    }

    [Fact]
    public async Task A_404_is_an_actionable_error_naming_VPS_INGEST_URL_and_keeps_the_batch()
    {
        await SpoolAsync(3);
        var log = new ListLogger<UploaderService>();
        var uploader = Uploader(ingest: new Uri(Server.BaseUri, "/api/ingest"));
        var service = new UploaderService(uploader, Spool, _health, new EdgeOptions(), Time,
            new ExponentialBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), new FixedRandom(0.5)), log);

        var step = await uploader.UploadNextAsync(default);
        service.NextDelay(step);

        Assert.Equal(UploadStepKind.Misdirected, step.Kind);
        var line = Assert.Single(log.Entries, e => e.Level == LogLevel.Error).Message;
        Assert.Contains("HTTP 404", line, StringComparison.Ordinal);
        Assert.Contains("VPS_INGEST_URL must be the server's base URL", line, StringComparison.Ordinal);
        Assert.Equal(3, await Spool.CountAsync(default));
    }

    [Theory]
    [InlineData("https://vps.example.org", "https://vps.example.org/v1/ingest")]
    [InlineData("https://vps.example.org/", "https://vps.example.org/v1/ingest")]
    [InlineData("https://vps.example.org:8443", "https://vps.example.org:8443/v1/ingest")]
    [InlineData("https://vps.example.org/v1/ingest", "https://vps.example.org/v1/ingest")]
    [InlineData("https://vps.example.org/p1/v1/ingest", "https://vps.example.org/p1/v1/ingest")]
    public void VPS_INGEST_URL_may_be_the_base_url_or_the_ingest_url(string configured, string posted)
    {
        Assert.Equal(new Uri(posted), EdgeOptions.ResolveIngestUri(configured));
    }

    [Fact]
    public async Task With_the_base_url_configured_the_samples_reach_the_ingest_endpoint()
    {
        await SpoolAsync(4);
        var options = new EdgeOptions { IngestUrl = Server.BaseUri.GetLeftPart(UriPartial.Authority) };

        var step = await Uploader(ingest: options.IngestUri).UploadNextAsync(default);

        Assert.Equal(UploadStepKind.Uploaded, step.Kind);
        Assert.Equal(4, Server.Accepted.Count);
        Assert.Equal(0, await Spool.CountAsync(default));
    }

    private static IResult ClockSkew(DateTimeOffset serverTime, IEnumerable<int> indexes) =>
        Results.Problem(statusCode: 422, title: "Samples from the future", type: IngestClient.ClockSkewProblem,
            detail: "ts is more than 600 s ahead of the server's clock",
            extensions: new Dictionary<string, object?>
            {
                ["server_time"] = serverTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                ["max_clock_skew_s"] = 600,
                ["errors"] = indexes.Select(i => new { index = i, field = "ts", reason = "too far in the future" }).ToList(),
                ["error_count"] = indexes.Count(),
            });

    [Fact]
    public async Task A_clock_skew_422_quarantines_nothing_reports_the_skew_and_retries_until_the_clocks_agree()
    {
        await SpoolAsync(10);
        // The server's clock lags 1000 s behind the meter's: every sample is too far in its future.
        var serverTime = TestSamples.T0.AddSeconds(-1000);
        Server.Respond = samples => ClockSkew(serverTime, Enumerable.Range(0, samples.Count));
        var uploader = Uploader();

        var step = await uploader.UploadNextAsync(default);

        Assert.Equal(UploadStepKind.ClockSkew, step.Kind);
        Assert.Equal(10, await Spool.CountAsync(default));
        Assert.Equal(0, await Spool.QuarantineCountAsync(default));
        Assert.Equal([10], Server.RequestSizes); // not bisected
        var report = _health.Snapshot(10, 0);
        Assert.Equal("unhealthy", report.Status);
        Assert.Equal(1009, report.ClockSkewSeconds); // the newest sample (second 9) minus the server's time
        Assert.Contains(report.Problems, p => p.Contains("1009 s ahead of its clock", StringComparison.Ordinal));

        Server.Respond = IngestTestServer.Ok;
        Assert.Equal(UploadStepKind.Uploaded, (await uploader.UploadNextAsync(default)).Kind);
        Assert.Equal(0, await Spool.CountAsync(default));
        var healed = _health.Snapshot(0, 0);
        Assert.Equal("healthy", healed.Status);
        Assert.Null(healed.ClockSkewSeconds);
    }

    [Fact]
    public async Task In_a_batch_with_invalid_and_future_samples_only_the_invalid_ones_are_quarantined()
    {
        // Samples 2 and 6 are invalid; 8 and 9 lie in the server's future.
        await SpoolAsync(10, power: i => i is 2 or 6 ? 666 : 100);
        var limit = TestSamples.T0.AddSeconds(7.5);
        Server.Respond = samples =>
        {
            var invalid = samples.Select((s, i) => (s, i)).Where(x => x.s.PowerW == 666).Select(x => x.i).ToList();
            var future = samples.Select((s, i) => (s, i)).Where(x => x.s.Ts > limit).Select(x => x.i).ToList();
            if (invalid.Count > 0)
            {
                return Results.Problem(statusCode: 422, type: IngestClient.InvalidSamplesProblem, title: "Invalid samples",
                    extensions: new Dictionary<string, object?> { ["errors"] = invalid.Select(i => new { index = i, field = "power_w", reason = "cursed" }).ToList() });
            }

            return future.Count > 0 ? ClockSkew(limit, future) : IngestTestServer.Ok(samples);
        };

        var step = await Uploader().UploadNextAsync(default);

        Assert.Equal(UploadStepKind.ClockSkew, step.Kind);
        var quarantined = await Spool.ReadQuarantineAsync(10, default);
        Assert.Equal([2, 6], quarantined.Select(q => (int)(SampleSpool.Deserialize(q.Payload, "x").Ts - TestSamples.T0).TotalSeconds));
        var left = await Spool.PeekAsync(10, default);
        // The part holding the future samples waits whole: a clock, not a sample, is wrong.
        Assert.Equal([7, 8, 9], left.Select(s => (int)(SampleSpool.Deserialize(s.Payload, "x").Ts - TestSamples.T0).TotalSeconds));
        Assert.Equal([0, 1, 3, 4, 5], Server.Accepted.Select(s => (int)(s.Ts - TestSamples.T0).TotalSeconds).Order());
    }

    [Fact]
    public async Task Samples_the_server_quarantines_do_not_count_as_uploaded()
    {
        await SpoolAsync(4);
        Server.Respond = _ => Results.Problem(statusCode: 422, type: IngestClient.InvalidSamplesProblem, title: "Invalid samples");
        var uploader = Uploader();

        var step = await uploader.UploadNextAsync(default);
        Time.Advance(TimeSpan.FromMinutes(16));
        _health.RecordReading("v2");
        var report = _health.Snapshot(0, await Spool.QuarantineCountAsync(default));

        Assert.Equal((0, 4), (step.Uploaded, step.Quarantined));
        Assert.Null(report.LastUploadAt);
        Assert.Equal(4, report.SamplesNotUploaded);
        Assert.Equal("unhealthy", report.Status);
        Assert.Contains(report.Problems, p => p.Contains("4 are quarantined", StringComparison.Ordinal));
    }
}
