using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace P1Telemetry.HealthProbe;

/// <summary>
/// Checks one HTTP endpoint the way a container runtime expects: exit code 0 when it answers 2xx within the
/// timeout, 1 otherwise (unreachable, timeout, TLS failure, any other status), 2 for wrong usage.
/// </summary>
internal static class Probe
{
    public const int Healthy = 0;
    public const int Unhealthy = 1;
    public const int Usage = 2;

    private const string _usageText = "usage: p1-healthprobe URL [TIMEOUT_SECONDS] [--ca CA.pem]   (URL: http:// or https://)";

    private static readonly TimeSpan _defaultTimeout = TimeSpan.FromSeconds(4);

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var positional = new List<string>();
        string? caFile = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--ca")
            {
                if (i + 1 >= args.Length || caFile is not null)
                {
                    await error.WriteLineAsync(_usageText).ConfigureAwait(false);
                    return Usage;
                }

                caFile = args[++i];
            }
            else
            {
                positional.Add(args[i]);
            }
        }

        if (positional.Count is < 1 or > 2
            || !Uri.TryCreate(positional[0], UriKind.Absolute, out var url)
            || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            await error.WriteLineAsync(_usageText).ConfigureAwait(false);
            return Usage;
        }

        var timeout = _defaultTimeout;
        if (positional.Count == 2)
        {
            if (!double.TryParse(positional[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || seconds <= 0)
            {
                await error.WriteLineAsync($"TIMEOUT_SECONDS must be a positive number, got '{positional[1]}'").ConfigureAwait(false);
                return Usage;
            }

            timeout = TimeSpan.FromSeconds(seconds);
        }

        SocketsHttpHandler handler;
        try
        {
            handler = CreateHandler(caFile);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or InvalidDataException)
        {
            await error.WriteLineAsync($"cannot load the CA file '{caFile}': {exception.Message}").ConfigureAwait(false);
            return Usage;
        }

        using var client = new HttpClient(handler) { Timeout = timeout };
        try
        {
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            await output.WriteLineAsync($"{url} {status}").ConfigureAwait(false);
            return response.IsSuccessStatusCode ? Healthy : Unhealthy;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            await error.WriteLineAsync($"{url} unreachable: {exception.Message}").ConfigureAwait(false);
            return Unhealthy;
        }
    }

    /// <summary>
    /// Certificate verification is always on: against the system roots, or only against the given private CA
    /// (custom root trust; the host name must still match).
    /// </summary>
    private static SocketsHttpHandler CreateHandler(string? caFile)
    {
        var handler = new SocketsHttpHandler();
        if (caFile is null)
        {
            return handler;
        }

        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(caFile);
        if (roots.Count == 0)
        {
            throw new InvalidDataException("no PEM certificate in it");
        }

        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.AddRange(roots);
        handler.SslOptions = new SslClientAuthenticationOptions { CertificateChainPolicy = policy };
        return handler;
    }
}
