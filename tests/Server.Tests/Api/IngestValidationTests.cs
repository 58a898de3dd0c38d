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
        { With("energy_import_kwh", "1000000000.5"), "energy_import_kwh", "at most 1e9" },
        { With("energy_export_kwh", "2e9"), "energy_export_kwh", "at most 1e9" },
        { With("gas_m3", "1e10"), "gas_m3", "at most 1e9" },
        { With("power_w", "1500").TrimEnd('}') + ",\"power_w\":1500}", "power_w", "more than once" },
        { With("ts", "\"2026-03-01T10:00:00Z\"").TrimEnd('}') + ",\"firmware\":1,\"firmware\":2}", "firmware", "more than once" },
        { Valid.Replace("\"meter-1\"", "\"meter-\\ud800\"", StringComparison.Ordinal), "device_id", "characters" },
        { Valid.Replace("10:00:00Z", "10:00:00\\ud800Z", StringComparison.Ordinal), "ts", "RFC 3339" },
        { Valid.Replace("100.5", "\"\\ud800\"", StringComparison.Ordinal), "energy_import_kwh", "number" },
        { Valid.Replace("\"power_w\"", "\"power_w\\ud800\"", StringComparison.Ordinal), "power_w", "required" },
        { With("energy_import_kwh", "\"12.5\""), "energy_import_kwh", "number" },
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
    public async Task A_gzip_bomb_without_a_content_length_is_413_after_at_most_the_limit()
    {
        using var client = _server.CreateClient(ServerFactory.Token1);
        var bomb = new byte[32 * 1024 * 1024];
        Array.Fill(bomb, (byte)' ');
        Encoding.UTF8.GetBytes("{\"samples\":[").CopyTo(bomb, 0);

        using var response = await client.PostAsync("/v1/ingest", IngestRequests.Chunked(IngestRequests.Gzip(bomb), "gzip"));

        var problem = await response.ReadProblemAsync(413);
        Assert.Contains("decompressed", problem.GetProperty("detail").GetString());
        Assert.Contains("65536", problem.GetProperty("detail").GetString());
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task An_x_gzip_body_is_accepted()
    {
        using var client = _server.CreateClient(ServerFactory.Token1);
        var json = JsonSerializer.SerializeToUtf8Bytes(new P1Telemetry.Contracts.Wire.IngestRequest { Samples = Samples.Series(ServerFactory.Device1, Samples.Start, 3, TimeSpan.FromSeconds(1)) },
            P1Telemetry.Contracts.Wire.WireJsonContext.Default.IngestRequest);

        using var response = await client.PostAsync("/v1/ingest", IngestRequests.Chunked(IngestRequests.Gzip(json), "x-gzip"));

        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_body_over_MAX_BODY_BYTES_is_413(bool withoutContentLength)
    {
        using var client = _server.CreateClient(ServerFactory.Token1);
        var body = new byte[70_000];
        Array.Fill(body, (byte)' ');

        using var response = await client.PostAsync("/v1/ingest", withoutContentLength ? IngestRequests.Chunked(body) : IngestRequests.Body(body));

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

/// <summary>What the client acts on in a 422 (its type), and what a hostile body may cost the server.</summary>
public sealed class IngestProblemTypeTests : IDisposable
{
    private const string InvalidType = "https://p1telemetry.org/problems/invalid-samples";
    private const string SkewType = "https://p1telemetry.org/problems/clock-skew";
    private readonly ServerFactory _server = new(new Dictionary<string, string?> { ["MAX_BATCH_SAMPLES"] = "2000", ["MAX_BODY_BYTES"] = "1048576" });

    public void Dispose() => _server.Dispose();

    private static string Sample(string ts, string power = "1500", string importKwh = "100.5") =>
        $$"""{"device_id":"meter-1","ts":"{{ts}}","power_w":{{power}},"import_power_w":1500,"energy_import_kwh":{{importKwh}},"energy_export_kwh":2.25}""";

    private async Task<JsonElement> PostAsync(string body, int status)
    {
        using var client = _server.CreateClient(ServerFactory.Token1);
        using var response = await client.PostAsync("/v1/ingest", IngestRequests.Body(Encoding.UTF8.GetBytes(body)));
        return await response.ReadProblemAsync(status);
    }

    [Fact]
    public async Task Samples_only_ahead_of_the_server_clock_are_clock_skew_with_the_server_time_and_the_limit()
    {
        var problem = await PostAsync($$"""{"samples":[{{Sample("2026-03-01T11:59:00Z")}},{{Sample("2026-03-01T12:30:00Z")}},{{Sample("2026-03-01T13:00:00Z")}}]}""", 422);

        Assert.Equal(SkewType, problem.GetProperty("type").GetString());
        Assert.Equal(ServerFactory.Now, problem.GetProperty("server_time").GetDateTimeOffset());
        Assert.EndsWith("Z", problem.GetProperty("server_time").GetString(), StringComparison.Ordinal);
        Assert.Equal(600, problem.GetProperty("max_clock_skew_s").GetInt32());
        Assert.Equal([1, 2], problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("index").GetInt32()));
        Assert.All(problem.GetProperty("errors").EnumerateArray(), e => Assert.Equal("ts", e.GetProperty("field").GetString()));
        Assert.Equal(2, problem.GetProperty("error_count").GetInt32());
        Assert.Null(await _server.Store.GetLatestAsync(ServerFactory.Device1, default));
    }

    [Fact]
    public async Task A_future_sample_next_to_an_invalid_one_is_invalid_samples()
    {
        var problem = await PostAsync($$"""{"samples":[{{Sample("2026-03-01T12:30:00Z")}},{{Sample("2026-03-01T11:00:00Z", power: "\"x\"")}}]}""", 422);

        Assert.Equal(InvalidType, problem.GetProperty("type").GetString());
        Assert.False(problem.TryGetProperty("server_time", out _));
        Assert.Equal(2, problem.GetProperty("error_count").GetInt32());
    }

    [Fact]
    public async Task A_future_sample_that_is_also_invalid_is_invalid_samples()
    {
        var problem = await PostAsync($$"""{"samples":[{{Sample("2026-03-01T12:30:00Z", importKwh: "-1")}}]}""", 422);

        Assert.Equal(InvalidType, problem.GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_structural_422_is_invalid_samples_too()
    {
        var problem = await PostAsync("""{"samples":[]}""", 422);

        Assert.Equal(InvalidType, problem.GetProperty("type").GetString());
        Assert.Equal(0, problem.GetProperty("error_count").GetInt32());
    }

    [Fact]
    public async Task At_most_100_errors_are_listed_with_the_total_count()
    {
        var bad = """{"device_id":1,"ts":2,"power_w":"a","import_power_w":"b","energy_import_kwh":"c","energy_export_kwh":"d"}""";
        var body = "{\"samples\":[" + string.Join(',', Enumerable.Repeat(bad, 1500)) + "]}";

        var problem = await PostAsync(body, 422);

        Assert.Equal(100, problem.GetProperty("errors").GetArrayLength());
        Assert.Equal(9000, problem.GetProperty("error_count").GetInt32());
        Assert.Contains("1500 of 1500", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("power_w")]
    [InlineData("energy_import_kwh")]
    public async Task A_reason_quotes_no_more_than_a_few_dozen_characters_of_the_input(string field)
    {
        var huge = "1" + new string('7', 20_000) + (field == "power_w" ? string.Empty : ".5");
        var sample = Sample("2026-03-01T11:00:00Z", power: field == "power_w" ? huge : "1500", importKwh: field == "power_w" ? "100.5" : huge);

        var problem = await PostAsync($$"""{"samples":[{{sample}}]}""", 422);

        var reason = problem.GetProperty("errors")[0].GetProperty("reason").GetString()!;
        Assert.InRange(reason.Length, 1, 120);
    }

    [Fact]
    public async Task A_repeated_samples_property_is_422()
    {
        var problem = await PostAsync($$"""{"samples":[{{Sample("2026-03-01T11:00:00Z")}}],"samples":[{{Sample("2026-03-01T11:00:01Z")}}]}""", 422);

        Assert.Contains("more than once", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Null(await _server.Store.GetLatestAsync(ServerFactory.Device1, default));
    }

    public static TheoryData<string> InvalidUtf8Bodies => new()
    {
        "device_id", "ts", "power_w", "energy_import_kwh", "firmware",
    };

    [Theory]
    [MemberData(nameof(InvalidUtf8Bodies))]
    public async Task Invalid_utf8_in_a_field_is_a_4xx_problem(string field)
    {
        var sample = System.Text.Json.Nodes.JsonNode.Parse(Sample("2026-03-01T11:00:00Z"))!.AsObject();
        sample[field] = "@@@";
        var text = "{\"samples\":[" + sample.ToJsonString() + "]}";
        var at = text.IndexOf("@@@", StringComparison.Ordinal);
        var body = Encoding.UTF8.GetBytes(text[..at]).Concat(new byte[] { 0xC3, 0x28, 0xFF }).Concat(Encoding.UTF8.GetBytes(text[(at + 3)..])).ToArray();

        using var client = _server.CreateClient(ServerFactory.Token1);
        using var response = await client.PostAsync("/v1/ingest", IngestRequests.Body(body));

        Assert.InRange((int)response.StatusCode, 400, 499);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Null(await _server.Store.GetLatestAsync(ServerFactory.Device1, default));
    }
}
