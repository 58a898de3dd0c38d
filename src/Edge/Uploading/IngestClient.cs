using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.Edge.Security;
using P1Telemetry.Edge.Spooling;

namespace P1Telemetry.Edge.Uploading;

/// <summary>
/// The HTTPS client of the server's ingest API: gzip-compressed JSON batches with the device's bearer token.
/// Certificate verification is always on; <c>VPS_CA_FILE</c> may add private roots. Redirects are never
/// followed: a proxy's redirect to some page that answers 200 must not look like an acknowledgement.
/// </summary>
public sealed class IngestClient : IDisposable
{
    /// <summary>The problem type of a 422 naming samples that are themselves invalid (quarantine them).</summary>
    public const string InvalidSamplesProblem = "https://p1telemetry.org/problems/invalid-samples";

    /// <summary>The problem type of a 422 whose only complaint is samples ahead of the server's clock.</summary>
    public const string ClockSkewProblem = "https://p1telemetry.org/problems/clock-skew";

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
            AllowAutoRedirect = false,
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
    /// The gzip-compressed <c>{"samples":[...]}</c> body: each spooled row read back as a sample carrying
    /// <paramref name="deviceId"/>; a row that does not parse throws <see cref="JsonException"/>.
    /// </summary>
    public static byte[] BuildBody(IReadOnlyList<SpooledSample> items, string deviceId)
    {
        ArgumentNullException.ThrowIfNull(items);
        var samples = new Sample[items.Count];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = SampleSpool.Deserialize(items[i].Payload, deviceId);
        }

        using var output = new MemoryStream(items.Count * 60 + 64);
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            JsonSerializer.Serialize(gzip, new IngestRequest { Samples = samples }, WireJsonContext.Default.IngestRequest);
        }

        return output.ToArray();
    }

    /// <summary>
    /// Posts one batch; <see cref="ReplyStatus.Accepted"/> only when the answer parses as an ingest response
    /// whose <c>inserted + duplicates</c> equals <paramref name="sampleCount"/>.
    /// </summary>
    public async Task<ServerReply> PostAsync(byte[] gzippedBody, int sampleCount, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _ingestUri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        var content = new ByteArrayContent(gzippedBody);
        content.Headers.ContentType = _jsonType;
        content.Headers.ContentEncoding.Add("gzip");
        request.Content = content;
        return await SendAsync(request, (code, body) => Confirm(code, body, sampleCount), cancellationToken);
    }

    /// <summary>Asks the server which device the token belongs to; null with a reason when it cannot tell.</summary>
    public async Task<(string? DeviceId, ServerReply Result)> GetDeviceIdAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _meUri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        string? deviceId = null;
        var result = await SendAsync(request, (code, body) =>
        {
            (deviceId, var answer) = ReadMe(code, body);
            return answer;
        }, cancellationToken);
        return (deviceId, result);
    }

    /// <summary>Sends a request; <paramref name="readSuccess"/> reads a 2xx answer (status code, body).</summary>
    private async Task<ServerReply> SendAsync(HttpRequestMessage request, Func<int, string, ServerReply> readSuccess, CancellationToken cancellationToken)
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
                return readSuccess(code, body);
            }

            var detail = $"HTTP {code} {Shorten(body)}";
            return code switch
            {
                >= 300 and < 400 => new ServerReply(ReplyStatus.Misdirected, code,
                    $"HTTP {code} redirect from {request.RequestUri} to {response.Headers.Location?.ToString() ?? "(no Location)"}: redirects are not followed; set VPS_INGEST_URL to the server's own https URL"),
                404 => new ServerReply(ReplyStatus.Misdirected, code,
                    $"HTTP 404 from {request.RequestUri}: no such endpoint there; VPS_INGEST_URL must be the server's base URL (https://example.org) or its ingest URL (https://example.org/v1/ingest)"),
                401 or 403 => new ServerReply(ReplyStatus.Unauthorized, code, detail),
                413 => new ServerReply(ReplyStatus.TooLarge, code, detail),
                422 => ReadRejection(code, detail, body, response.Headers.Date),
                408 or 429 or >= 500 => new ServerReply(ReplyStatus.Transient, code, detail),
                _ => new ServerReply(ReplyStatus.Failed, code, detail),
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ServerReply(ReplyStatus.Transient, null, $"no answer within {_timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException ex) when (ex.InnerException is AuthenticationException)
        {
            return new ServerReply(ReplyStatus.Transient, null,
                $"the server's certificate is not trusted ({ex.InnerException.Message}); set VPS_CA_FILE for a private CA");
        }
        catch (HttpRequestException ex)
        {
            return new ServerReply(ReplyStatus.Transient, null, ex.Message);
        }
    }

    private static (string? DeviceId, ServerReply Result) ReadMe(int code, string body)
    {
        try
        {
            var me = JsonSerializer.Deserialize(body, WireJsonContext.Default.MeResponse);
            return me is { DeviceId.Length: > 0 }
                ? (me.DeviceId, new ServerReply(ReplyStatus.Accepted, code, ""))
                : (null, new ServerReply(ReplyStatus.Failed, code, "the server's answer names no device_id"));
        }
        catch (JsonException ex)
        {
            return (null, new ServerReply(ReplyStatus.Failed, code, "the server's answer is not JSON: " + ex.Message));
        }
    }

    /// <summary>A 2xx acknowledges the batch only as an ingest answer that accounts for every sample sent.</summary>
    private static ServerReply Confirm(int code, string body, int sent)
    {
        if (ReadIngestResponse(body) is not { } answer)
        {
            return new ServerReply(ReplyStatus.Unconfirmed, code,
                $"HTTP {code} that is not an ingest answer ({Shorten(body, 120)}); the batch stays spooled (a proxy or another service answers at VPS_INGEST_URL?)");
        }

        if ((long)answer.Inserted + answer.Duplicates != sent)
        {
            return new ServerReply(ReplyStatus.Unconfirmed, code,
                $"HTTP {code} accounts for {answer.Inserted} inserted + {answer.Duplicates} duplicates of {sent} samples sent; the batch stays spooled", answer);
        }

        return new ServerReply(ReplyStatus.Accepted, code, "", answer);
    }

    /// <summary><c>{"inserted": N, "duplicates": M}</c> with both members present as non-negative integers, else null.</summary>
    private static IngestResponse? ReadIngestResponse(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object &&
                   root.TryGetProperty("inserted", out var inserted) && inserted.ValueKind == JsonValueKind.Number && inserted.TryGetInt32(out var n) && n >= 0 &&
                   root.TryGetProperty("duplicates", out var duplicates) && duplicates.ValueKind == JsonValueKind.Number && duplicates.TryGetInt32(out var m) && m >= 0
                ? new IngestResponse(n, m)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A 422 of type clock-skew keeps the samples; any other 422 (invalid-samples, or an older server without a type) is bisected.</summary>
    private static ServerReply ReadRejection(int code, string detail, string body, DateTimeOffset? dateHeader)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object &&
                root.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.ValueEquals(ClockSkewProblem))
            {
                var serverTime = root.TryGetProperty("server_time", out var time) && time.ValueKind == JsonValueKind.String && time.TryGetDateTimeOffset(out var at)
                    ? at
                    : dateHeader;
                return new ServerReply(ReplyStatus.ClockSkew, code, detail, ServerTime: serverTime);
            }
        }
        catch (JsonException)
        {
            // Not problem+json: treated as a plain 422.
        }

        return new ServerReply(ReplyStatus.Rejected, code, detail);
    }

    private static string Shorten(string body, int length = 400)
    {
        var flat = body.ReplaceLineEndings(" ");
        return flat.Length <= length ? flat : flat[..length] + "…";
    }

    public void Dispose() => _http.Dispose();
}
