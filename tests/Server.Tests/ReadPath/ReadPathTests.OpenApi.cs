using System.Text.Json;

namespace P1Telemetry.Server.Tests.ReadPath;

public abstract partial class ReadPathTests
{
    [Fact]
    public async Task The_OpenAPI_document_describes_the_read_endpoints_and_their_fields()
    {
        using var client = Server.CreateClient();

        var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json")).RootElement;

        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/v1/capacity/month/{month}", "/v1/capacity/year/{year}", "/v1/series", "/v1/export", "/v1/realtime" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is missing from the OpenAPI document");
        }

        var month = paths.GetProperty("/v1/capacity/month/{month}").GetProperty("get").GetProperty("responses");
        Assert.True(month.GetProperty("200").GetProperty("content").TryGetProperty("application/json", out _));
        Assert.True(month.TryGetProperty("400", out _));
        var schemas = document.GetProperty("components").GetProperty("schemas");
        Assert.True(schemas.GetProperty("CapacityMonthResponse").GetProperty("properties").TryGetProperty("rolling_12m_average_w", out _));
        Assert.True(schemas.GetProperty("RealtimeResponse").GetProperty("properties").TryGetProperty("live_quarter", out _));
        Assert.True(schemas.GetProperty("SeriesPoint").GetProperty("properties").TryGetProperty("avg_power_w", out _));
    }
}
