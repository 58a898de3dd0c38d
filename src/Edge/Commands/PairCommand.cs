using System.Net;
using System.Net.Http.Json;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using P1Telemetry.Edge.Configuration;
using P1Telemetry.Edge.Meter;
using P1Telemetry.Edge.Security;

namespace P1Telemetry.Edge.Commands;

/// <summary>
/// The v2 pairing flow: asks the user to press the dongle's button and repeats <c>POST /api/user</c> until the
/// dongle hands out a token (200) or the window closes, then prints the token and the configuration line.
/// </summary>
public sealed class PairCommand(TextWriter output, TextWriter error, TimeProvider time)
{
    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(1);

    public async Task<int> RunAsync(string host, string name, X509Certificate2Collection roots, CancellationToken cancellationToken)
    {
        if (!MeterAddress.TryParse(host, out var address))
        {
            await error.WriteLineAsync($"--host '{host}' is not a host, host:port or URL.");
            return 2;
        }

        if (name.Length is < 1 or > 40)
        {
            await error.WriteLineAsync("--name must be 1 to 40 characters.");
            return 2;
        }

        var validator = new MeterCertificateValidator(roots);
        using var handler = new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(10) };
        handler.SslOptions.RemoteCertificateValidationCallback = validator.Callback;
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
        var uri = new Uri(address.BaseUri(MeterApiVersion.V2), "/api/user");

        await output.WriteLineAsync($"Press the button on the P1 dongle at {address} now (pairing for up to {Window.TotalSeconds:0} s)...");
        var deadline = time.GetUtcNow() + Window;
        string? lastProblem = null;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var request = new HttpRequestMessage(HttpMethod.Post, uri)
            {
                Content = JsonContent.Create(new UserRequest("local/" + name), MeterJsonContext.Default.UserRequest),
            };
            request.Headers.Add("X-Api-Version", "2");
            try
            {
                using var response = await http.SendAsync(request, cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    var user = await response.Content.ReadFromJsonAsync(MeterJsonContext.Default.UserResponse, cancellationToken);
                    if (user?.Token is { Length: > 0 } token)
                    {
                        await output.WriteLineAsync($"Paired as {user.Name ?? "local/" + name}. Token: {token}");
                        await output.WriteLineAsync("Add this line to the edge's configuration (.env):");
                        await output.WriteLineAsync($"HW_P1_TOKEN={token}");
                        return 0;
                    }

                    lastProblem = "the dongle answered 200 without a token";
                }
                else if (response.StatusCode == HttpStatusCode.Forbidden)
                {
                    // user:creation-not-enabled: the button has not been pressed (yet).
                    lastProblem = "the button was not pressed";
                    await output.WriteAsync('.');
                }
                else
                {
                    var body = await response.Content.ReadAsStringAsync(cancellationToken);
                    await error.WriteLineAsync($"The dongle refused pairing: HTTP {(int)response.StatusCode} {body}");
                    return 1;
                }
            }
            catch (HttpRequestException ex) when (ex.InnerException is AuthenticationException)
            {
                await error.WriteLineAsync($"TLS refused: {validator.LastFailure ?? ex.InnerException.Message}");
                return 1;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                lastProblem = ex.Message;
            }

            if (time.GetUtcNow() + RetryInterval > deadline)
            {
                await output.WriteLineAsync();
                await error.WriteLineAsync($"No token within {Window.TotalSeconds:0} s ({lastProblem}). Press the button and run 'p1-edge pair' again.");
                return 1;
            }

            await Task.Delay(RetryInterval, time, cancellationToken);
        }
    }
}
