using Microsoft.AspNetCore.Http.Metadata;

namespace P1Telemetry.Server.Ingest;

/// <summary>
/// Endpoints whose body may be sent gzip-compressed: ASP.NET Core's request decompression middleware inflates it
/// while the endpoint reads, and stops at the endpoint's body limit counted in decompressed bytes, so a gzip bomb
/// is refused (413) after at most that many bytes. Other encodings pass through untouched, for the endpoint to
/// refuse them (415).
/// </summary>
public static class CompressedBody
{
    public static IServiceCollection AddCompressedBodies(this IServiceCollection services) =>
        services.AddRequestDecompression(options =>
        {
            var gzip = options.DecompressionProviders["gzip"];
            options.DecompressionProviders.Clear();
            options.DecompressionProviders["gzip"] = gzip;
            options.DecompressionProviders["x-gzip"] = gzip;
        });

    /// <summary>Decompresses the bodies of the endpoints that accept compressed ones, and only theirs.</summary>
    public static IApplicationBuilder UseCompressedBodies(this IApplicationBuilder app) =>
        app.UseWhen(context => context.GetEndpoint()?.Metadata.GetMetadata<Limit>() is not null, branch => branch.UseRequestDecompression());

    /// <summary>Accepts a gzip body; <paramref name="maxBytes"/> limits it, as sent and decompressed.</summary>
    public static RouteHandlerBuilder AcceptsCompressedBody(this RouteHandlerBuilder builder, Func<long> maxBytes) =>
        builder.WithMetadata(new Limit(maxBytes));

    /// <summary>
    /// The body limit that the decompression middleware reads, and that routing sets as the server's limit for the
    /// body as sent; read per request, as it comes from configuration.
    /// </summary>
    private sealed class Limit(Func<long> maxBytes) : IRequestSizeLimitMetadata
    {
        public long? MaxRequestBodySize => maxBytes();
    }
}
