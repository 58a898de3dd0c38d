using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using P1Telemetry.Contracts.Wire;

namespace P1Telemetry.Edge.Tests.Infrastructure;

/// <summary>
/// A real HTTPS endpoint on 127.0.0.1 (Kestrel, random port) that speaks the ingest contract: POST /v1/ingest
/// with gzip JSON and GET /v1/me. Each test decides how it answers through <see cref="Respond"/>.
/// </summary>
public sealed class IngestTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private IngestTestServer(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    public Uri IngestUri => new(BaseUri, "/v1/ingest");

    /// <summary>Samples of every request answered 2xx, in arrival order.</summary>
    public ConcurrentQueue<Sample> Accepted { get; } = new();

    /// <summary>Sample counts of every ingest request, in arrival order (whatever the answer).</summary>
    public ConcurrentQueue<int> RequestSizes { get; } = new();

    /// <summary>Requests that reached <c>/landing</c> or <c>/v1/elsewhere</c> (where the redirect tests point).</summary>
    public ConcurrentQueue<string> RedirectTargetHits { get; } = new();

    public string? LastAuthorization { get; private set; }

    public string? LastContentEncoding { get; private set; }

    /// <summary>The device id /v1/me answers; null answers 404.</summary>
    public string? MeDeviceId { get; set; } = "meter-1";

    /// <summary>Decides the answer to one ingest request; default: 200 with every sample inserted.</summary>
    public Func<IReadOnlyList<Sample>, IResult> Respond { get; set; } = Ok;

    public static IResult Ok(IReadOnlyList<Sample> samples) => TypedResults.Ok(new IngestResponse(samples.Count, 0));

    public static async Task<IngestTestServer> StartAsync(X509Certificate2 certificate)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate));
        });
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, WireJsonContext.Default));
        var app = builder.Build();
        IngestTestServer? server = null;
        app.MapPost("/v1/ingest", async (HttpContext context) =>
        {
            server!.LastAuthorization = context.Request.Headers.Authorization;
            server.LastContentEncoding = context.Request.Headers.ContentEncoding;
            var body = server.LastContentEncoding == "gzip" ? new GZipStream(context.Request.Body, CompressionMode.Decompress) : context.Request.Body;
            await using (body)
            {
                var request = await JsonSerializer.DeserializeAsync(body, WireJsonContext.Default.IngestRequest, context.RequestAborted);
                var samples = request!.Samples;
                server.RequestSizes.Enqueue(samples.Count);
                var result = server.Respond(samples);
                if (result is IStatusCodeHttpResult { StatusCode: >= 200 and < 300 })
                {
                    foreach (var sample in samples)
                    {
                        server.Accepted.Enqueue(sample);
                    }
                }

                return result;
            }
        });
        // A proxy's landing page, and an ingest look-alike that confirms every sample but keeps none.
        app.MapGet("/landing", () =>
        {
            server!.RedirectTargetHits.Enqueue("GET /landing");
            return Results.Content("<html><body>Welcome</body></html>", "text/html");
        });
        app.MapPost("/v1/elsewhere", async (HttpContext context) =>
        {
            server!.RedirectTargetHits.Enqueue("POST /v1/elsewhere");
            await using var body = new GZipStream(context.Request.Body, CompressionMode.Decompress);
            var request = await JsonSerializer.DeserializeAsync(body, WireJsonContext.Default.IngestRequest, context.RequestAborted);
            return TypedResults.Ok(new IngestResponse(request!.Samples.Count, 0));
        });
        app.MapGet("/v1/me", () => server!.MeDeviceId is { } id ? Results.Json(new MeResponse(id), WireJsonContext.Default.MeResponse) : Results.NotFound());
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server = new IngestTestServer(app, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)));
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
