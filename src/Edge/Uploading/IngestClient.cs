using System.Buffers;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.Edge.Security;
using P1Telemetry.Edge.Spooling;

namespace P1Telemetry.Edge.Uploading;

public enum IngestStatus
{
    Accepted,
    Transient,
    Unauthorized,
    TooLarge,
    Rejected,
    Failed,
}

public sealed record IngestResult(IngestStatus Status, int? HttpStatus, string Detail, IngestResponse? Response = null);

/// <summary>
/// The HTTPS client of the server's ingest API: gzip-compressed JSON batches with the device's bearer token.
/// Certificate verification is always on; <c>VPS_CA_FILE</c> may add private roots.
/// </summary>
public sealed class IngestClient : IDisposable
{
    private static readonly MediaTypeHeaderValue _jsonType = new("application/json") { CharSet = "utf-8" };
    private readonly HttpClient _http;
    private readonly Uri _ingestUri;
    private readonly Uri _meUri;
    private readonly string _token;
    private readonly TimeSpan _timeout;

    public IngestClient(Uri ingestUri, string token, TimeSpan timeout, X509Certificate2Collection? extraRoots)
    {
        ArgumentNullException.ThrowIfNull(ingestUri);
        if (ingestUri.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException("VPS_INGEST_URL must be an https:// URL.", nameof(ingestUri));
        }

        _ingestUri = ingestUri;
        _meUri = MeUri(ingestUri);
        _token = token;
        _timeout = timeout;
        var validator = new ServerCertificateValidator(extraRoots);
        var handler = new SocketsHttpHandler
        {
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            PooledConnectionLifetime = TimeSpan.FromMinutes(15),
            ConnectTimeout = timeout,
            AutomaticDecompression = DecompressionMethods.GZip,
        };
        handler.SslOptions.RemoteCertificateValidationCallback = validator.Callback;
        _http = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary><c>GET /v1/me</c> next to the ingest URL (same origin, same path prefix).</summary>
    public static Uri MeUri(Uri ingestUri)
    {
        ArgumentNullException.ThrowIfNull(ingestUri);
        var path = ingestUri.AbsolutePath;
        var mePath = path.EndsWith("/ingest", StringComparison.Ordinal) ? path[..^"ingest".Length] + "me" : "/v1/me";
        return new UriBuilder(ingestUri) { Path = mePath, Query = "" }.Uri;
    }

    /// <summary>
    /// Builds the gzip-compressed <c>{"samples":[...]}</c> body by splicing the device id in front of each spooled
    /// payload: no parse and re-serialization per sample, so a week of backlog compresses in seconds.
    /// </summary>
    public static byte[] BuildBody(IReadOnlyList<SpooledSample> items, string deviceId)
    {
        ArgumentNullException.ThrowIfNull(items);
        var prefix = Encoding.UTF8.GetBytes(SampleSpool.DeviceIdPrefix(deviceId));
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            using var output = new MemoryStream(items.Count * 60 + 64);
            using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write("{\"samples\":["u8);
                for (var i = 0; i < items.Count; i++)
                {
                    var payload = items[i].Payload;
                    if (payload.Length < 2 || payload[0] != '{')
                    {
                        throw new JsonException($"spool row {items[i].Id} is not a JSON object");
                    }

                    if (i > 0)
                    {
                        gzip.WriteByte((byte)',');
                    }

                    gzip.Write(prefix);
                    var fields = payload.AsSpan(1);
                    var needed = Encoding.UTF8.GetMaxByteCount(fields.Length);
                    if (needed > buffer.Length)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = ArrayPool<byte>.Shared.Rent(needed);
                    }

                    gzip.Write(buffer, 0, Encoding.UTF8.GetBytes(fields, buffer));
                }

                gzip.Write("]}"u8);
            }

            return output.ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public async Task<IngestResult> PostAsync(byte[] gzippedBody, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _ingestUri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        var content = new ByteArrayContent(gzippedBody);
        content.Headers.ContentType = _jsonType;
        content.Headers.ContentEncoding.Add("gzip");
        request.Content = content;
        return await SendAsync(request, cancellationToken);
    }

    /// <summary>Asks the server which device the token belongs to; null with a reason when it cannot tell.</summary>
    public async Task<(string? DeviceId, IngestResult Result)> GetDeviceIdAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _meUri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        var result = await SendAsync(request, cancellationToken, readMe: true);
        return (result.Status == IngestStatus.Accepted ? result.Detail : null, result);
    }

    private async Task<IngestResult> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken, bool readMe = false)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
            var code = (int)response.StatusCode;
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            if (response.IsSuccessStatusCode)
            {
                return readMe ? ReadMe(code, body) : new IngestResult(IngestStatus.Accepted, code, "", ReadIngestResponse(body));
            }

            var detail = $"HTTP {code} {Shorten(body)}";
            return code switch
            {
                401 or 403 => new IngestResult(IngestStatus.Unauthorized, code, detail),
                413 => new IngestResult(IngestStatus.TooLarge, code, detail),
                422 => new IngestResult(IngestStatus.Rejected, code, detail),
                408 or 429 or >= 500 => new IngestResult(IngestStatus.Transient, code, detail),
                _ => new IngestResult(IngestStatus.Failed, code, detail),
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new IngestResult(IngestStatus.Transient, null, $"no answer within {_timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException ex) when (ex.InnerException is AuthenticationException)
        {
            return new IngestResult(IngestStatus.Transient, null,
                $"the server's certificate is not trusted ({ex.InnerException.Message}); set VPS_CA_FILE for a private CA");
        }
        catch (HttpRequestException ex)
        {
            return new IngestResult(IngestStatus.Transient, null, ex.Message);
        }
    }

    private static IngestResult ReadMe(int code, string body)
    {
        try
        {
            var me = JsonSerializer.Deserialize(body, WireJsonContext.Default.MeResponse);
            return me is { DeviceId.Length: > 0 }
                ? new IngestResult(IngestStatus.Accepted, code, me.DeviceId)
                : new IngestResult(IngestStatus.Failed, code, "the server's answer names no device_id");
        }
        catch (JsonException ex)
        {
            return new IngestResult(IngestStatus.Failed, code, "the server's answer is not JSON: " + ex.Message);
        }
    }

    private static IngestResponse? ReadIngestResponse(string body)
    {
        try
        {
            return body.Length == 0 ? null : JsonSerializer.Deserialize(body, WireJsonContext.Default.IngestResponse);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Shorten(string body)
    {
        var flat = body.ReplaceLineEndings(" ");
        return flat.Length <= 400 ? flat : flat[..400] + "…";
    }

    public void Dispose() => _http.Dispose();
}
