using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace P1Telemetry.EndToEnd.Tests.Support;

/// <summary>A minimal Kestrel app on a random loopback port, as the upstream of a proxy under test.</summary>
internal sealed class TinyUpstream : IAsyncDisposable
{
    public const string Body = "hello from upstream";

    private readonly WebApplication _app;

    private TinyUpstream(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    /// <summary>Requests seen, with the scheme they arrived on and whether they carried a bearer token.</summary>
    public List<(string Scheme, string Path, bool HadAuthorization)> Requests { get; } = [];

    public static async Task<TinyUpstream> StartAsync(X509Certificate2? httpsCertificate = null, int status = 200)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                if (httpsCertificate is not null)
                {
                    listen.UseHttps(httpsCertificate);
                }
            }));
        var app = builder.Build();
        TinyUpstream? self = null;
        app.Map("/{**path}", (HttpContext context) =>
        {
            lock (self!.Requests)
            {
                self.Requests.Add((context.Request.Scheme, context.Request.Path.Value ?? "/", context.Request.Headers.Authorization.Count > 0));
            }

            return Results.Text(Body, statusCode: status);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        self = new TinyUpstream(app, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)));
        return self;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
