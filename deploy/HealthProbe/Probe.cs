namespace P1Telemetry.HealthProbe;

/// <summary>
/// Checks one HTTP endpoint the way a container runtime expects: exit code 0 when it answers 2xx within the
/// timeout, 1 otherwise (unreachable, timeout, any other status), 2 for wrong usage.
/// </summary>
internal static class Probe
{
    public const int Healthy = 0;
    public const int Unhealthy = 1;
    public const int Usage = 2;

    private static readonly TimeSpan _defaultTimeout = TimeSpan.FromSeconds(4);

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (args.Length is < 1 or > 2
            || !Uri.TryCreate(args[0], UriKind.Absolute, out var url)
            || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            await error.WriteLineAsync("usage: p1-healthprobe URL [TIMEOUT_SECONDS]   (URL: http:// or https://)").ConfigureAwait(false);
            return Usage;
        }

        var timeout = _defaultTimeout;
        if (args.Length == 2)
        {
            if (!double.TryParse(args[1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
                || seconds <= 0)
            {
                await error.WriteLineAsync($"TIMEOUT_SECONDS must be a positive number, got '{args[1]}'").ConfigureAwait(false);
                return Usage;
            }

            timeout = TimeSpan.FromSeconds(seconds);
        }

        // Certificate verification stays at its default (on) for https URLs.
        using var client = new HttpClient { Timeout = timeout };
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
}
