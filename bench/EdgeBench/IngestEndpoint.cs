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

namespace P1Telemetry.EdgeBench;

/// <summary>A local HTTPS endpoint that accepts every batch (gunzip + full JSON parse, like a server would).</summary>
internal sealed class IngestEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;
    private long _samples;

    private IngestEndpoint(WebApplication app) => _app = app;

    public Uri IngestUri { get; private set; } = null!;

    public long Samples => Interlocked.Read(ref _samples);

    public static async Task<IngestEndpoint> StartAsync(X509Certificate2 certificate)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = null;
            k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(certificate));
        });
        var app = builder.Build();
        var endpoint = new IngestEndpoint(app);
        app.MapPost("/v1/ingest", async (HttpContext context) =>
        {
            await using var body = new GZipStream(context.Request.Body, CompressionMode.Decompress);
            var request = await JsonSerializer.DeserializeAsync(body, WireJsonContext.Default.IngestRequest, context.RequestAborted);
            Interlocked.Add(ref endpoint._samples, request!.Samples.Count);
            return Results.Json(new IngestResponse(request.Samples.Count, 0), WireJsonContext.Default.IngestResponse);
        });
        app.MapGet("/v1/me", () => Results.Json(new MeResponse("bench-meter"), WireJsonContext.Default.MeResponse));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        endpoint.IngestUri = new Uri(new Uri(address), "/v1/ingest");
        return endpoint;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
