using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.Server.Storage;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.Server.Tests.Support;

/// <summary>
/// The real server in-process, configured through the same settings as its environment variables, with a
/// test clock. Without DATABASE_URL it uses a SQLite file in its own temp directory.
/// </summary>
public sealed class ServerFactory : WebApplicationFactory<Program>
{
    public const string Token1 = "token-one-0123456789";
    public const string Token2 = "token-two-9876543210";
    public const string Device1 = "meter-1";
    public const string Device2 = "meter-2";

    /// <summary>The test clock stands two hours after <see cref="Samples.Start"/>.</summary>
    public static readonly DateTimeOffset Now = Samples.Start.AddHours(2);

    private readonly Dictionary<string, string?> _settings;

    public ServerFactory(IDictionary<string, string?>? settings = null)
    {
        DataDirectory = TestRunDirectory.CreateSubdirectory("server");
        _settings = new Dictionary<string, string?>
        {
            ["DEVICE_TOKENS"] = $"{Token1}:{Device1},sha256:{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(Token2)))}:{Device2}",
            ["DATA_DIR"] = DataDirectory,
            ["LOG_LEVEL"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    public string DataDirectory { get; }

    public FakeTimeProvider Clock { get; } = new(Now);

    public ISampleStore Store => Services.GetRequiredService<ISampleStore>();

    /// <summary>Replaces services of the server; set before the server is first used.</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            TestServices?.Invoke(services);
        });
    }

    public HttpClient CreateClient(string? token)
    {
        var client = CreateClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

public static class IngestRequests
{
    public static HttpContent Json(IReadOnlyList<Sample> samples, bool gzip = false) =>
        Body(JsonSerializer.SerializeToUtf8Bytes(new IngestRequest { Samples = samples }, WireJsonContext.Default.IngestRequest), gzip);

    public static HttpContent Body(byte[] json, bool gzip = false, string contentType = "application/json")
    {
        var bytes = gzip ? Gzip(json) : json;
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (gzip)
        {
            content.Headers.ContentEncoding.Add("gzip");
        }

        return content;
    }

    /// <summary>A body sent without Content-Length (chunked), so that only reading it tells its size.</summary>
    public static HttpContent Chunked(byte[] bytes, string? contentEncoding = null)
    {
        var content = new UnknownLengthContent(bytes);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
        if (contentEncoding is not null)
        {
            content.Headers.ContentEncoding.Add(contentEncoding);
        }

        return content;
    }

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    public static async Task<IngestResponse> IngestAsync(this HttpClient client, IReadOnlyList<Sample> samples, bool gzip = false)
    {
        using var response = await client.PostAsync("/v1/ingest", Json(samples, gzip));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"ingest answered {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize(body, WireJsonContext.Default.IngestResponse)!;
    }

    public static async Task<JsonElement> ReadProblemAsync(this HttpResponseMessage response, int expectedStatus)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expectedStatus == (int)response.StatusCode, $"expected {expectedStatus}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(expectedStatus, problem.GetProperty("status").GetInt32());
        return problem;
    }
}

internal sealed class UnknownLengthContent(byte[] bytes) : HttpContent
{
    protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => stream.WriteAsync(bytes).AsTask();

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
