using System.Net.Http.Headers;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.Edge.Security;
using P1Telemetry.Edge.Uploading;

namespace P1Telemetry.Edge.P1;

/// <summary>
/// <c>POST /v1/meter-peaks</c> next to the ingest URL, with the same HTTPS rules as ingest: certificate
/// verification always on, <c>VPS_CA_FILE</c> may add private roots, the device's bearer token.
/// </summary>
public sealed class MeterPeaksClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly string _token;
    private readonly TimeSpan _timeout;

    public MeterPeaksClient(Uri ingestUri, string token, TimeSpan timeout, X509Certificate2Collection? extraRoots)
    {
        ArgumentNullException.ThrowIfNull(ingestUri);
        if (ingestUri.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException("VPS_INGEST_URL must be an https:// URL.", nameof(ingestUri));
        }

        Uri = PeaksUri(ingestUri);
        _token = token;
        _timeout = timeout;
        var validator = new ServerCertificateValidator(extraRoots);
        var handler = new SocketsHttpHandler { ConnectTimeout = timeout, PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30) };
        handler.SslOptions.RemoteCertificateValidationCallback = validator.Callback;
        _http = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public Uri Uri { get; }

    /// <summary><c>/v1/meter-peaks</c> beside <c>/v1/ingest</c> (same origin, same path prefix).</summary>
    public static Uri PeaksUri(Uri ingestUri)
    {
        ArgumentNullException.ThrowIfNull(ingestUri);
        var path = ingestUri.AbsolutePath;
        var peaksPath = path.EndsWith("/ingest", StringComparison.Ordinal) ? path[..^"ingest".Length] + "meter-peaks" : "/v1/meter-peaks";
        return new UriBuilder(ingestUri) { Path = peaksPath, Query = "" }.Uri;
    }

    public async Task<ServerReply> PostAsync(MeterPeaksRequest body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        request.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, WireJsonContext.Default.MeterPeaksRequest));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            using var response = await _http.SendAsync(request, timeout.Token);
            var code = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return new ServerReply(ReplyStatus.Accepted, code, "");
            }

            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            var detail = $"HTTP {code} {(text.Length <= 300 ? text : text[..300])}";
            return code switch
            {
                401 or 403 => new ServerReply(ReplyStatus.Unauthorized, code, detail),
                422 or 400 or 413 => new ServerReply(ReplyStatus.Rejected, code, detail),
                _ => new ServerReply(ReplyStatus.Transient, code, detail),
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ServerReply(ReplyStatus.Transient, null, $"no answer within {_timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException ex) when (ex.InnerException is AuthenticationException)
        {
            return new ServerReply(ReplyStatus.Transient, null, $"the server's certificate is not trusted ({ex.InnerException.Message})");
        }
        catch (HttpRequestException ex)
        {
            return new ServerReply(ReplyStatus.Transient, null, ex.Message);
        }
    }

    public void Dispose() => _http.Dispose();
}
