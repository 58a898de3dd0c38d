using System.Net;
using System.Net.Http.Headers;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using P1Telemetry.Edge.Configuration;
using P1Telemetry.Edge.Security;

namespace P1Telemetry.Edge.Meter;

/// <summary>
/// Talks to the dongle over the v1 (HTTP) or v2 (HTTPS + token) REST API, one request at a time. Every failure
/// becomes "no reading" plus a reason; nothing here throws except on cancellation.
/// </summary>
public sealed class MeterClient : IDisposable
{
    private readonly MeterAddress _address;
    private readonly string? _token;
    private readonly MeterApiVersion _requested;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HttpClient _v1;
    private readonly HttpClient _v2;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    // The version was guessed from a probe (auto, no token, no URL), not pinned.
    private bool _guessed;

    public MeterClient(MeterAddress address, string? token, MeterApiVersion requested, TimeSpan timeout,
        X509Certificate2Collection meterRoots, TimeProvider time, ILogger<MeterClient> logger)
    {
        _address = address;
        _token = string.IsNullOrWhiteSpace(token) ? null : token.Trim();
        _requested = requested;
        _timeout = timeout;
        _time = time;
        _logger = logger;
        CertificateValidator = new MeterCertificateValidator(meterRoots);
        _v1 = new HttpClient(CreateHandler(null), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        V2Handler = CreateHandler(CertificateValidator);
        _v2 = new HttpClient(V2Handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public MeterCertificateValidator CertificateValidator { get; }

    /// <summary>The handler with the dongle's TLS rules, shared by the WebSocket connection.</summary>
    internal SocketsHttpHandler V2Handler { get; }

    public MeterAddress Address => _address;

    public string? Token => _token;

    /// <summary>The API version in use, once detected.</summary>
    public MeterApiVersion? Version { get; private set; }

    public string? Serial { get; private set; }

    /// <summary>Why the last request gave no reading.</summary>
    public string? LastError { get; private set; }

    /// <summary>Reads one measurement; null (with <see cref="LastError"/>) when there is none.</summary>
    public async Task<RawReading?> ReadAsync(CancellationToken cancellationToken)
    {
        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            if (Version is null && !await DetectAsync(cancellationToken))
            {
                return null;
            }

            var request = Version == MeterApiVersion.V2
                ? V2Request(HttpMethod.Get, "/api/measurement")
                : new HttpRequestMessage(HttpMethod.Get, new Uri(_address.BaseUri(MeterApiVersion.V1), "/api/v1/data"));
            var (status, body) = await SendAsync(Version == MeterApiVersion.V2 ? _v2 : _v1, request, cancellationToken);
            if (status == HttpStatusCode.OK && body is not null)
            {
                LastError = null;
                return new RawReading(Version!.Value, body, _time.GetUtcNow());
            }

            if (status is not null)
            {
                LastError = DescribeError(status.Value, body);
            }
            else if (_guessed)
            {
                // The connection is gone: when it comes back, ask again whether the dongle now speaks v2.
                Version = null;
            }

            return null;
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    /// <summary>
    /// The raw P1 telegram the dongle last received (<c>/api/v1/telegram</c> on v1, <c>/api/telegram</c> on v2):
    /// what the JSON leaves out, the 0-0:98.1.0 peak history and the S/W flags. Null (with <see cref="LastError"/>)
    /// when there is none.
    /// </summary>
    public async Task<byte[]?> ReadTelegramAsync(CancellationToken cancellationToken)
    {
        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            if (Version is null && !await DetectAsync(cancellationToken))
            {
                return null;
            }

            var request = Version == MeterApiVersion.V2
                ? V2Request(HttpMethod.Get, "/api/telegram")
                : new HttpRequestMessage(HttpMethod.Get, new Uri(_address.BaseUri(MeterApiVersion.V1), "/api/v1/telegram"));
            var (status, body) = await SendAsync(Version == MeterApiVersion.V2 ? _v2 : _v1, request, cancellationToken);
            if (status == HttpStatusCode.OK && body is not null)
            {
                return body;
            }

            if (status is not null)
            {
                LastError = DescribeError(status.Value, body);
            }

            return null;
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    /// <summary>
    /// Works out which API the dongle speaks, and its serial. A URL in <c>HW_P1_HOST</c> or <c>HW_API_VERSION</c>
    /// pins the version. Otherwise, with <c>HW_P1_TOKEN</c> set, it is always v2: a failed v2 request (a refused
    /// certificate included) is an error retried as v2, never a reason to fall back to plain HTTP. Without a
    /// token, a dongle whose HTTPS <c>/api</c> answers 401 is v2 (which needs pairing) and anything else is v1;
    /// that guess is made again after the connection is lost.
    /// </summary>
    private async Task<bool> DetectAsync(CancellationToken cancellationToken)
    {
        var version = _requested;
        string why;
        if (version != MeterApiVersion.Auto)
        {
            why = "HW_API_VERSION pins it";
        }
        else if (_address.Scheme is not null)
        {
            version = _address.Scheme == Uri.UriSchemeHttps ? MeterApiVersion.V2 : MeterApiVersion.V1;
            why = $"HW_P1_HOST is an {_address.Scheme} URL";
        }
        else if (_token is not null)
        {
            version = MeterApiVersion.V2;
            why = "HW_P1_TOKEN is set, so only the v2 API (HTTPS) is used";
        }
        else
        {
            var (status, _) = await SendAsync(_v2, new HttpRequestMessage(HttpMethod.Get, new Uri(_address.BaseUri(MeterApiVersion.V2), "/api")), cancellationToken);
            if (status == HttpStatusCode.Unauthorized)
            {
                _logger.MeterReadFailed("the meter speaks API v2 but HW_P1_TOKEN is not set (run 'p1-edge pair'); trying API v1");
                why = "HW_P1_TOKEN is empty although the dongle speaks v2";
            }
            else
            {
                why = status is { } answered
                    ? $"HW_P1_TOKEN is empty and the HTTPS probe answered {(int)answered}"
                    : $"HW_P1_TOKEN is empty and the HTTPS probe failed ({LastError})";
            }

            version = MeterApiVersion.V1;
        }

        var infoRequest = version == MeterApiVersion.V2
            ? V2Request(HttpMethod.Get, "/api")
            : new HttpRequestMessage(HttpMethod.Get, new Uri(_address.BaseUri(MeterApiVersion.V1), "/api"));
        var (infoStatus, info) = await SendAsync(version == MeterApiVersion.V2 ? _v2 : _v1, infoRequest, cancellationToken);
        if (infoStatus != HttpStatusCode.OK || info is null)
        {
            if (infoStatus is not null)
            {
                LastError = DescribeError(infoStatus.Value, info);
            }

            if (version == MeterApiVersion.V2 && _requested == MeterApiVersion.Auto && _address.Scheme is null)
            {
                LastError += " (API v2 because HW_P1_TOKEN is set; for a dongle that only speaks v1, leave HW_P1_TOKEN empty)";
            }

            return false;
        }

        Serial = ReadSerial(info);
        if (version == MeterApiVersion.V2 && Serial is not null)
        {
            CertificateValidator.ExpectedSerial = Serial;
        }

        Version = version;
        _guessed = _requested == MeterApiVersion.Auto && _address.Scheme is null && _token is null;
        _logger.MeterDetected(_address.ToString(), version == MeterApiVersion.V2 ? "v2" : "v1", Serial, why);
        return true;
    }

    private HttpRequestMessage V2Request(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, new Uri(_address.BaseUri(MeterApiVersion.V2), path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        request.Headers.Add("X-Api-Version", "2");
        return request;
    }

    private async Task<(HttpStatusCode? Status, byte[]? Body)> SendAsync(HttpClient client, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            using (request)
            using (var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token))
            {
                var body = await response.Content.ReadAsByteArrayAsync(timeout.Token);
                return (response.StatusCode, body);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LastError = $"no answer from {request.RequestUri} within {_timeout.TotalSeconds:0.#} s";
        }
        catch (HttpRequestException ex) when (ex.InnerException is AuthenticationException)
        {
            LastError = $"TLS refused for {request.RequestUri}: {CertificateValidator.LastFailure ?? ex.InnerException.Message}";
        }
        catch (HttpRequestException ex)
        {
            LastError = $"{request.RequestUri}: {ex.Message}";
        }

        return (null, null);
    }

    private static string DescribeError(HttpStatusCode status, byte[]? body)
    {
        var text = body is null ? "" : System.Text.Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 300));
        return status switch
        {
            HttpStatusCode.Forbidden when text.Contains("202", StringComparison.Ordinal) =>
                "the meter's local API is disabled: enable 'Local API' for the P1 meter in the HomeWizard Energy app",
            HttpStatusCode.Unauthorized => "the meter refused HW_P1_TOKEN (HTTP 401): pair again with 'p1-edge pair'",
            _ => $"the meter answered HTTP {(int)status}: {text}",
        };
    }

    private static string? ReadSerial(byte[] info)
    {
        try
        {
            using var document = JsonDocument.Parse(info);
            return document.RootElement.ValueKind == JsonValueKind.Object &&
                   document.RootElement.TryGetProperty("serial", out var serial) &&
                   serial.ValueKind == JsonValueKind.String
                ? serial.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static SocketsHttpHandler CreateHandler(MeterCertificateValidator? validator)
    {
        var handler = new SocketsHttpHandler
        {
            // A dongle serves few connections; keep one alive between polls instead of a TLS handshake each time.
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            MaxConnectionsPerServer = 2,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
        };
        if (validator is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = validator.Callback;
        }

        return handler;
    }

    public void Dispose()
    {
        _v1.Dispose();
        _v2.Dispose();
        V2Handler.Dispose();
        _oneAtATime.Dispose();
    }
}
