using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.Server.Tests.Support;

namespace P1Telemetry.Server.Tests.Api;

public sealed class AuthTests : IDisposable
{
    private readonly ServerFactory _server = new();

    public void Dispose() => _server.Dispose();

    public static TheoryData<string, string> ProtectedEndpoints => new()
    {
        { "GET", "/v1/me" },
        { "GET", $"/v1/realtime?device_id={ServerFactory.Device1}" },
        { "POST", "/v1/ingest" },
    };

    [Theory]
    [MemberData(nameof(ProtectedEndpoints))]
    public async Task Missing_token_is_401_problem_with_bearer_challenge(string method, string path)
    {
        using var client = _server.CreateClient(token: null);
        using var response = await client.SendAsync(Request(method, path));

        var problem = await response.ReadProblemAsync(401);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Contains("Bearer", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("Bearer wrong-token")]
    [InlineData("Bearer ")]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("token-one-0123456789")]
    [InlineData("Bearer token-one-012345678")]
    [InlineData("Bearer token-one-01234567890")]
    public async Task Invalid_credentials_are_401_on_every_endpoint(string authorization)
    {
        foreach (var (method, path) in ProtectedEndpoints.Select(row => ((string)row[0], (string)row[1])))
        {
            using var client = _server.CreateClient(token: null);
            var request = Request(method, path);
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
            using var response = await client.SendAsync(request);

            await response.ReadProblemAsync(401);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        }
    }

    [Fact]
    public async Task Plain_and_sha256_configured_tokens_identify_their_device()
    {
        using var first = _server.CreateClient(ServerFactory.Token1);
        using var second = _server.CreateClient(ServerFactory.Token2);

        Assert.Equal(new MeResponse(ServerFactory.Device1), await first.GetFromJsonAsync("/v1/me", WireJsonContext.Default.MeResponse));
        Assert.Equal(new MeResponse(ServerFactory.Device2), await second.GetFromJsonAsync("/v1/me", WireJsonContext.Default.MeResponse));
    }

    [Fact]
    public async Task The_sha256_hash_itself_is_not_a_token()
    {
        using var client = _server.CreateClient(token: null);
        var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(ServerFactory.Token2)));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", hash);

        using var response = await client.GetAsync("/v1/me");

        await response.ReadProblemAsync(401);
    }

    [Fact]
    public async Task Reading_another_devices_data_is_403()
    {
        using var client = _server.CreateClient(ServerFactory.Token1);
        using var response = await client.GetAsync($"/v1/realtime?device_id={ServerFactory.Device2}");

        await response.ReadProblemAsync(403);
    }

    [Fact]
    public async Task Ingesting_another_devices_samples_is_403_and_stores_nothing()
    {
        using var client = _server.CreateClient(ServerFactory.Token1);
        var samples = new[]
        {
            Samples.At(ServerFactory.Device1, Samples.Start),
            Samples.At(ServerFactory.Device2, Samples.Start.AddSeconds(1)),
        };

        using var response = await client.PostAsync("/v1/ingest", IngestRequests.Json(samples));

        var problem = await response.ReadProblemAsync(403);
        Assert.Contains("Sample 1", problem.GetProperty("detail").GetString());
        Assert.Null(await _server.Store.GetLatestAsync(ServerFactory.Device1, default));
        Assert.Null(await _server.Store.GetLatestAsync(ServerFactory.Device2, default));
    }

    [Theory]
    [InlineData("/v1/realtime", 400)]
    [InlineData("/v1/realtime?device_id=", 400)]
    [InlineData("/v1/realtime?device_id=bad%20id", 400)]
    [InlineData("/v1/realtime?device_id=meter-1&device_id=meter-2", 400)]
    public async Task Missing_or_malformed_device_id_is_400(string path, int status)
    {
        using var client = _server.CreateClient(ServerFactory.Token1);
        using var response = await client.GetAsync(path);
        await response.ReadProblemAsync(status);
    }

    [Fact]
    public async Task Public_endpoints_need_no_token()
    {
        using var client = _server.CreateClient(token: null);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/openapi/v1.json")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/swagger/index.html")).StatusCode);
    }

    private static HttpRequestMessage Request(string method, string path) => new(new HttpMethod(method), path)
    {
        Content = method == "POST" ? IngestRequests.Json([Samples.At(ServerFactory.Device1, Samples.Start)]) : null,
    };
}
