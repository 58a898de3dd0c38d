using System.Collections.Frozen;
using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;

namespace P1Telemetry.Server.Dashboard;

/// <summary>
/// The dashboard's static files, embedded in the server assembly (a home server may have no internet and the
/// files must match the API they call). Each is compressed once at start, with Brotli and gzip, and served
/// with an ETag.
/// </summary>
public sealed class DashboardAssets
{
    private const string Prefix = "dashboard/";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".json"] = "application/json; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".md"] = "text/plain; charset=utf-8",
        [".txt"] = "text/plain; charset=utf-8",
        [".ico"] = "image/x-icon",
        [".png"] = "image/png",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private readonly FrozenDictionary<string, DashboardAsset> _assets;

    public DashboardAssets()
    {
        var assembly = typeof(DashboardAssets).Assembly;
        var assets = new Dictionary<string, DashboardAsset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            var path = name[Prefix.Length..].Replace('\\', '/');
            assets[path] = Load(assembly, name, path);
        }

        _assets = assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public int Count => _assets.Count;

    /// <summary>The asset at a path relative to the dashboard's root (<c>index.html</c>, <c>app/main.js</c>...).</summary>
    public DashboardAsset? Find(string path) => _assets.GetValueOrDefault(path);

    private static DashboardAsset Load(Assembly assembly, string name, string path)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var raw = buffer.ToArray();
        var contentType = ContentTypes.GetValueOrDefault(Path.GetExtension(path), "application/octet-stream");
        var compressible = contentType.StartsWith("text/", StringComparison.Ordinal) || contentType.Contains("json", StringComparison.Ordinal)
            || contentType.Contains("svg", StringComparison.Ordinal);
        return new DashboardAsset(
            contentType,
            $"\"{Convert.ToHexStringLower(SHA256.HashData(raw))[..20]}\"",
            raw,
            compressible ? Compress(raw, s => new BrotliStream(s, CompressionLevel.SmallestSize)) : null,
            compressible ? Compress(raw, s => new GZipStream(s, CompressionLevel.SmallestSize)) : null);
    }

    private static byte[] Compress(byte[] raw, Func<Stream, Stream> compressor)
    {
        using var output = new MemoryStream();
        using (var compressing = compressor(output))
        {
            compressing.Write(raw);
        }

        return output.ToArray();
    }
}

/// <summary>One dashboard file, with its compressed forms when it is text.</summary>
public sealed record DashboardAsset(string ContentType, string ETag, byte[] Raw, byte[]? Brotli, byte[]? Gzip);
