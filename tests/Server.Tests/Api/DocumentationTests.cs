using System.Text.Json;
using P1Telemetry.Server.Tests.Support;

namespace P1Telemetry.Server.Tests.Api;

public sealed class DocumentationTests : IDisposable
{
    private readonly ServerFactory _server = new();

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task The_openapi_document_lists_the_api_and_its_bearer_scheme()
    {
        using var client = _server.CreateClient();
        using var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
        var root = document.RootElement;

        var paths = root.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/v1/ingest", out var ingest));
        Assert.True(paths.TryGetProperty("/v1/realtime", out _));
        Assert.True(paths.TryGetProperty("/v1/me", out _));
        Assert.True(paths.TryGetProperty("/health", out var health));
        Assert.Equal("bearer", root.GetProperty("components").GetProperty("securitySchemes").GetProperty("DeviceToken").GetProperty("scheme").GetString());
        Assert.True(ingest.GetProperty("post").TryGetProperty("security", out _));
        Assert.False(health.GetProperty("get").TryGetProperty("security", out _));
    }

    [Fact]
    public async Task The_landing_page_links_the_api_documentation()
    {
        using var client = _server.CreateClient();
        using var response = await client.GetAsync("/");

        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("href=\"/swagger\"", html);
        Assert.Contains("href=\"/openapi/v1.json\"", html);
        Assert.Contains("Swagger UI", await client.GetStringAsync("/swagger/index.html"));
    }
}
