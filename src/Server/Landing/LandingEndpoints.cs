namespace P1Telemetry.Server.Landing;

public static class LandingEndpoints
{
    private const string Page = """
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><title>P1 Telemetry</title></head>
        <body>
          <h1>P1 Telemetry</h1>
          <p>Energy telemetry from HomeWizard P1 dongles.</p>
          <ul>
            <li><a href="/swagger">API documentation</a> (<a href="/openapi/v1.json">OpenAPI document</a>)</li>
            <li><a href="/health">Health</a></li>
          </ul>
        </body>
        </html>
        """;

    /// <summary><c>GET /</c>: a small landing page that links the API documentation.</summary>
    public static IEndpointRouteBuilder MapLanding(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/", () => TypedResults.Content(Page, "text/html; charset=utf-8"))
            .ExcludeFromDescription();
        return endpoints;
    }
}
