using System.Text;
using System.Text.Json;
using P1Telemetry.Server.Tests.Support;

namespace P1Telemetry.Server.Tests.Api;

/// <summary>Every bad request answers a 4xx problem that says what is wrong, and stores nothing.</summary>
public sealed class IngestValidationTests : IDisposable
{
    private const string Valid = """{"device_id":"meter-1","ts":"2026-03-01T10:00:00Z","power_w":1500,"import_power_w":1500,"energy_import_kwh":100.5,"energy_export_kwh":2.25}""";
    private readonly ServerFactory _server = new(new Dictionary<string, string?> { ["MAX_BATCH_SAMPLES"] = "50", ["MAX_BODY_BYTES"] = "65536" });

    public void Dispose() => _server.Dispose();

    /// <summary>A sample whose one field is replaced (or removed when <paramref name="json"/> is null).</summary>
    private static string With(string field, string? json)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(Valid)!.AsObject();
        if (json is null)
        {
            node.Remove(field);
        }
        else
        {
            node[field] = System.Text.Json.Nodes.JsonNode.Parse(json);
        }

        return node.ToJsonString();
    }

    public static TheoryData<string, string, string> BadSamples => new()
    {
        { With("device_id", null), "device_id", "required" },
        { With("ts", null), "ts", "required" },
        { With("power_w", null), "power_w", "required" },
        { With("import_power_w", null), "import_power_w", "required" },
        { With("energy_import_kwh", null), "energy_import_kwh", "required" },
        { With("energy_export_kwh", null), "energy_export_kwh", "required" },
        { With("device_id", "42"), "device_id", "string" },
        { With("device_id", "\"meter 1\""), "device_id", "characters" },
        { With("power_w", "\"1500\""), "power_w", "integer" },
        { With("power_w", "1500.5"), "power_w", "whole number" },
        { With("power_w", "1e12"), "power_w", "whole number" },
        { With("power_w", "true"), "power_w", "integer" },
        { With("import_power_w", "-1"), "import_power_w", "negative" },
        { With("import_power_w", "1499"), "import_power_w", "max(power_w, 0)" },
        { With("energy_import_kwh", "-0.5"), "energy_import_kwh", "negative" },
        { With("energy_export_kwh", "-3"), "energy_export_kwh", "negative" },
        { With("energy_import_kwh", "\"NaN\""), "energy_import_kwh", "finite" },
        { With("energy_export_kwh", "\"Infinity\""), "energy_export_kwh", "finite" },
        { With("energy_import_kwh", "1e999"), "energy_import_kwh", "finite" },
        { With("energy_import_kwh", "null"), "energy_import_kwh", "number" },
        { With("ts", "\"2026-03-01 10:00:00\""), "ts", "RFC 3339" },
        { With("ts", "\"2026-03-01T10:00:00\""), "ts", "offset" },
        { With("ts", "\"yesterday\""), "ts", "RFC 3339" },
        { With("ts", "1772359200"), "ts", "string" },
        { With("ts", "\"1999-12-31T23:59:59Z\""), "ts", "before 2000" },
        { With("ts", "\"2026-03-01T12:30:00Z\""), "ts", "future" },
        { With("gas_m3", "-1"), "gas_m3", "negative" },
        { With("gas_ts", "\"later\""), "gas_ts", "RFC 3339" },
        { With("average_power_15m_w", "-5"), "average_power_15m_w", "negative" },
        { With("power_l1_w", "\"x\""), "power_l1_w", "integer" },
        { "[]", "", "object" },
        { "\"sample\"", "", "object" },
    };

    [Theory]
    [MemberData(nameof(BadSamples))]
    public async Task A_bad_sample_is_422_naming_index_field_and_reason_and_the_good_ones_are_not_stored(string badSample, string field, string reason)
    {
        using var client = _server.CreateClient(ServerFactory.Token1);
        var good = With("ts", "\"2026-03-01T10:00:01Z\"");
        var body = $$"""{"samples":[{{good}},{{badSample}}]}""";

        using var response = await client.PostAsync("/v1/ingest", IngestRequests.Body(Encoding.UTF8.GetBytes(body)));

        var problem = await response.ReadProblemAsync(422);
        var error = Assert.Single(problem.GetProperty("errors").EnumerateArray());
        Assert.Equal(1, error.GetProperty("index").GetInt32());
        Assert.Equal(field, error.GetProperty("field").GetString());
        Assert.Contains(reason, error.GetProperty("reason").GetString(), StringComparison.OrdinalIgnoreCase);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Every_bad_sample_of_a_batch_is_listed()
    {
        using var client = _server.CreateClient(ServerFactory.Token1);
        var body = $$"""{"samples":[{{With("power_w", "\"x\"")}},{{Valid}},{{With("ts", null)}},{{With("energy_export_kwh", "-1")}}]}""";

        using var response = await client.PostAsync("/v1/ingest", IngestRequests.Body(Encoding.UTF8.GetBytes(body)));

        var problem = await response.ReadProblemAsync(422);
        var errors = problem.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("index").GetInt32(), e.GetProperty("field").GetString())).ToList();
        Assert.Equal([(0, "power_w"), (2, "ts"), (3, "energy_export_kwh")], errors);
        await AssertNothingStoredAsync();
    }

    public static TheoryData<string, int, string> BadBodies => new()
    {
        { "[" + Valid + "]", 422, "JSON object" },
        { "{}", 422, "samples" },
        { """{"samples":{}}""", 422, "samples" },
        { """{"samples":[]}""", 422, "empty" },
        { "{\"samples\":[" + Valid, 400, "not valid JSON" },
        { "not json", 400, "not valid JSON" },
        { "{\"samples\":[{\"device_id\":\"meter-1\",\"power_w\":NaN}]}", 400, "not valid JSON" },
        { "", 400, "not valid JSON" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task A_malformed_or_misshapen_body_is_a_clear_4xx(string body, int status, string detail)
    {
        using var client = _server.CreateClient(ServerFactory.Token1);
        using var response = await client.PostAsync("/v1/ingest", IngestRequests.Body(Encoding.UTF8.GetBytes(body)));

        var problem = await response.ReadProblemAsync(status);
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task A_batch_over_MAX_BATCH_SAMPLES_is_422()
    {
        using var client = _server.CreateClient(ServerFactory.Token1);
        var samples = Samples.Series(ServerFactory.Device1, Samples.Start, 51, TimeSpan.FromSeconds(1));

        using var response = await client.PostAsync("/v1/ingest", IngestRequests.Json(samples));

        var problem = await response.ReadProblemAsync(422);
        Assert.Contains("MAX_BATCH_SAMPLES", problem.GetProperty("detail").GetString());
        await AssertNothingStoredAsync();
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/xml")]
    public async Task A_non_json_content_type_is_415(string contentType)
    {
        using var client = _server.CreateClient(ServerFactory.Token1);
        using var response = await client.PostAsync("/v1/ingest",
            IngestRequests.Body(Encoding.UTF8.GetBytes($$"""{"samples":[{{Valid}}]}"""), contentType: contentType));

        var problem = await response.ReadProblemAsync(415);
        Assert.Contains("application/json", problem.GetProperty("detail").GetString());
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task An_unknown_content_encoding_is_415()
    {
        using var client = _server.CreateClient(ServerFactory.Token1);
        var content = IngestRequests.Body(Encoding.UTF8.GetBytes($$"""{"samples":[{{Valid}}]}"""));
        content.Headers.ContentEncoding.Add("br");

        using var response = await client.PostAsync("/v1/ingest", content);

        await response.ReadProblemAsync(415);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task A_gzip_body_is_accepted()
    {
        using var client = _server.CreateClient(ServerFactory.Token1);
        var result = await client.IngestAsync(Samples.Series(ServerFactory.Device1, Samples.Start, 40, TimeSpan.FromSeconds(1)), gzip: true);
        Assert.Equal(40, result.Inserted);
    }

    [Fact]
    public async Task A_body_that_is_not_gzip_despite_its_content_encoding_is_400()
    {
        using var client = _server.CreateClient(ServerFactory.Token1);
        var content = IngestRequests.Body(Encoding.UTF8.GetBytes($$"""{"samples":[{{Valid}}]}"""));
        content.Headers.ContentEncoding.Add("gzip");

        using var response = await client.PostAsync("/v1/ingest", content);

        await response.ReadProblemAsync(400);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task A_gzip_bomb_is_413_without_inflating_it()
    {
        using var client = _server.CreateClient(ServerFactory.Token1);
        // 32 MiB of spaces after a valid start: about 32 KiB compressed, far above the 64 KiB decompressed limit.
        var bomb = new byte[32 * 1024 * 1024];
        Array.Fill(bomb, (byte)' ');
        Encoding.UTF8.GetBytes("{\"samples\":[").CopyTo(bomb, 0);
        var compressed = IngestRequests.Gzip(bomb);
        Assert.True(compressed.Length < 65536);

        using var response = await client.PostAsync("/v1/ingest", IngestRequests.Body(bomb, gzip: true));

        var problem = await response.ReadProblemAsync(413);
        Assert.Contains("decompressed", problem.GetProperty("detail").GetString());
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task A_body_over_MAX_BODY_BYTES_is_413()
    {
        using var client = _server.CreateClient(ServerFactory.Token1);
        var body = new byte[70_000];
        Array.Fill(body, (byte)' ');

        using var response = await client.PostAsync("/v1/ingest", IngestRequests.Body(body));

        await response.ReadProblemAsync(413);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Unknown_fields_are_ignored_and_optional_nulls_accepted()
    {
        using var client = _server.CreateClient(ServerFactory.Token1);
        var sample = With("firmware", "\"6.01\"").TrimEnd('}') + ",\"gas_m3\":null,\"gas_ts\":null,\"power_l2_w\":null}";

        using var response = await client.PostAsync("/v1/ingest", IngestRequests.Body(Encoding.UTF8.GetBytes($$"""{"samples":[{{sample}}]}""")));

        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var stored = await _server.Store.GetLatestAsync(ServerFactory.Device1, default);
        Assert.Null(stored!.GasM3);
        Assert.Equal(1500, stored.PowerW);
    }

    [Fact]
    public async Task A_bad_query_parameter_is_a_400_problem_not_a_500()
    {
        using var client = _server.CreateClient(ServerFactory.Token1);
        using var response = await client.GetAsync("/v1/realtime?device_id=" + new string('x', 65));
        await response.ReadProblemAsync(400);
    }

    private async Task AssertNothingStoredAsync()
    {
        var latest = await _server.Store.GetLatestAsync(ServerFactory.Device1, default);
        Assert.Null(latest);
        var rows = await _server.Store.GetQuarterHoursAsync(ServerFactory.Device1, DateTimeOffset.UnixEpoch, Samples.Start.AddYears(10), default);
        Assert.Empty(rows);
        _ = JsonSerializer.Serialize(rows);
    }
}
