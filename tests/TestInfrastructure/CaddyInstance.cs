using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace P1Telemetry.TestInfrastructure;

/// <summary>What a <see cref="CaddyInstance"/> serves.</summary>
public sealed record CaddyOptions
{
    /// <summary>The upstream Caddy proxies to, e.g. <c>https://127.0.0.1:5001</c> or <c>http://127.0.0.1:5000</c>.</summary>
    public required Uri Upstream { get; init; }

    /// <summary>
    /// Further replicas of <see cref="Upstream"/> (same scheme): requests are balanced over all of them, and one
    /// that refuses connections is skipped for a few seconds while the request is tried on another.
    /// </summary>
    public IReadOnlyList<Uri> MoreUpstreams { get; init; } = [];

    /// <summary>PEM certificate Caddy presents; when null, Caddy issues one from its internal CA (<c>tls internal</c>).</summary>
    public string? CertificatePath { get; init; }

    /// <summary>PEM private key of <see cref="CertificatePath"/>.</summary>
    public string? KeyPath { get; init; }

    /// <summary>For an https upstream: the CA (PEM) that Caddy trusts for the upstream's certificate.</summary>
    public string? UpstreamCaPath { get; init; }

    /// <summary>Turns on Caddy's admin API on a random loopback port (off by default).</summary>
    public bool AdminApi { get; init; }
}

/// <summary>
/// A private Caddy reverse proxy for tests: <c>caddy run</c> as a child process with a Caddyfile in a
/// scratch directory under <c>$P1_TEST_RUN_DIR</c> (else the temp dir), HTTPS on a random loopback port,
/// proxying to one upstream. Stops (and deletes its directory) on dispose. A missing <c>caddy</c> binary
/// makes <see cref="StartAsync"/> throw: the test fails, it is never skipped.
/// </summary>
public sealed class CaddyInstance : IAsyncDisposable
{
    private static readonly TimeSpan _startTimeout = TimeSpan.FromSeconds(30);

    private readonly CaddyOptions _options;
    private ChildProcess? _process;

    private CaddyInstance(CaddyOptions options, string directory, int httpsPort, int httpPort, int? adminPort)
    {
        _options = options;
        Directory = directory;
        HttpsPort = httpsPort;
        HttpPort = httpPort;
        AdminPort = adminPort;
    }

    /// <summary>The scratch directory (Caddyfile, storage, logs).</summary>
    public string Directory { get; }

    public int HttpsPort { get; }

    public int HttpPort { get; }

    /// <summary>The admin API port when <see cref="CaddyOptions.AdminApi"/> is on.</summary>
    public int? AdminPort { get; }

    /// <summary><c>https://127.0.0.1:{HttpsPort}/</c>.</summary>
    public Uri BaseUri => new($"https://127.0.0.1:{HttpsPort}/");

    public string CaddyfilePath => Path.Combine(Directory, "Caddyfile");

    /// <summary>
    /// The root certificate a client must trust: Caddy's internal CA root (PEM) in <c>tls internal</c> mode;
    /// null when a certificate was provided (the caller holds its CA).
    /// </summary>
    public string? InternalRootCertificatePath =>
        _options.CertificatePath is null ? Path.Combine(Directory, "storage", "pki", "authorities", "local", "root.crt") : null;

    /// <summary>Everything Caddy wrote to stdout/stderr so far (its JSON log).</summary>
    public string Log => _process?.Output ?? string.Empty;

    public bool IsRunning => _process is { IsRunning: true };

    /// <summary>The running Caddy's process id.</summary>
    public int ProcessId => _process?.ProcessId ?? throw new InvalidOperationException("Caddy is not running.");

    public static async Task<CaddyInstance> StartAsync(CaddyOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if ((options.CertificatePath is null) != (options.KeyPath is null))
        {
            throw new ArgumentException("CertificatePath and KeyPath go together.", nameof(options));
        }

        var directory = TestRunDirectory.CreateSubdirectory("caddy");
        var instance = new CaddyInstance(options, directory, FreePort.Next(), FreePort.Next(), options.AdminApi ? FreePort.Next() : null);
        await File.WriteAllTextAsync(instance.CaddyfilePath, instance.RenderCaddyfile(), cancellationToken).ConfigureAwait(false);
        try
        {
            await instance.StartProcessAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await instance.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return instance;
    }

    /// <summary>Loads Caddy's internal root (only in <c>tls internal</c> mode).</summary>
    public X509Certificate2 LoadInternalRootCertificate()
    {
        var path = InternalRootCertificatePath
            ?? throw new InvalidOperationException("Caddy serves a provided certificate; its CA is the caller's.");
        return X509CertificateLoader.LoadCertificateFromFile(path);
    }

    /// <summary>Stops Caddy gracefully (SIGTERM), killing it if it does not exit in time.</summary>
    public async Task StopAsync()
    {
        if (IsRunning)
        {
            await _process!.StopAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
    }

    /// <summary>Starts Caddy again on the same ports with the same configuration.</summary>
    public Task RestartAsync(CancellationToken cancellationToken = default) =>
        IsRunning ? Task.CompletedTask : StartProcessAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        if (_process is not null)
        {
            await _process.DisposeAsync().ConfigureAwait(false);
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the test run's cleanup.
        }
    }

    internal string RenderCaddyfile()
    {
        var storage = Path.Combine(Directory, "storage");
        var upstream = _options.Upstream;
        var tls = _options.CertificatePath is null
            ? "tls internal"
            : $"tls {Quote(_options.CertificatePath)} {Quote(_options.KeyPath!)}";
        // Caddy keeps 32 idle upstream connections by default: under many concurrent clients it would open and
        // close connections to the server all the time, as a production Caddyfile with the same setting does not.
        var https = upstream.Scheme == Uri.UriSchemeHttps;
        var upstreamTls = https ? "tls" : string.Empty;
        var upstreamCa = https && _options.UpstreamCaPath is not null ? "tls_trusted_ca_certs " + Quote(_options.UpstreamCaPath) : string.Empty;
        var transport = $$"""

                        transport http {
                            keepalive_idle_conns_per_host 1024
                            {{upstreamTls}}
                            {{upstreamCa}}
                        }
                """;
        var upstreams = string.Join(' ', new[] { upstream }.Concat(_options.MoreUpstreams).Select(u => $"{u.Scheme}://{u.Authority}"));
        var balancing = _options.MoreUpstreams.Count == 0 ? string.Empty : """

                        lb_policy round_robin
                        lb_try_duration 10s
                        lb_try_interval 250ms
                        fail_duration 5s
                """;
        var admin = AdminPort is int port ? $"admin 127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}" : "admin off";

        var text = $$"""
            {
                {{admin}}
                skip_install_trust
                auto_https disable_redirects
                http_port {{HttpPort}}
                https_port {{HttpsPort}}
                grace_period 2s
                storage file_system {
                    root {{Quote(storage)}}
                }
                log {
                    output stderr
                    format json
                    level INFO
                }
            }

            https://127.0.0.1:{{HttpsPort}}, https://localhost:{{HttpsPort}} {
                bind 127.0.0.1
                {{tls}}
                reverse_proxy {{upstreams}} {{{balancing}}{{transport}}
                }
            }

            """;

        // Caddy's own format indents with tabs (it warns about anything else).
        return string.Join('\n', text.Split('\n').Select(line =>
        {
            var indent = line.Length - line.TrimStart(' ').Length;
            return new string('\t', indent / 4) + line[(indent - (indent % 4))..];
        }));
    }

    private async Task StartProcessAsync(CancellationToken cancellationToken)
    {
        // Keep every file Caddy might write (autosave, certificates, locks) inside the scratch directory.
        _process ??= new ChildProcess("caddy", ["run", "--config", CaddyfilePath, "--adapter", "caddyfile"], new ChildProcessOptions
        {
            WorkingDirectory = Directory,
            Environment = new Dictionary<string, string?>
            {
                ["HOME"] = Directory,
                ["XDG_DATA_HOME"] = Path.Combine(Directory, "xdg-data"),
                ["XDG_CONFIG_HOME"] = Path.Combine(Directory, "xdg-config"),
            },
        });
        _process.Start();
        await _process.WaitUntilReadyAsync(
            async token => await AcceptsConnectionsAsync(HttpsPort, token).ConfigureAwait(false)
                && (_options.CertificatePath is not null || await ServesInternalCertificateAsync(token).ConfigureAwait(false)),
            $"accepting connections on port {HttpsPort}",
            _startTimeout,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// With <c>tls internal</c>, Caddy issues the site certificate in the background after it listens: until then
    /// a handshake fails. Ready once a TLS handshake verified against the internal root succeeds (no HTTP request
    /// is sent, so the upstream sees nothing).
    /// </summary>
    private async Task<bool> ServesInternalCertificateAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(InternalRootCertificatePath))
        {
            return false;
        }

        using var root = LoadInternalRootCertificate();
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.Add(root);
        try
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, HttpsPort, cancellationToken).ConfigureAwait(false);
            await using var tls = new System.Net.Security.SslStream(tcp.GetStream());
            await tls.AuthenticateAsClientAsync(
                new System.Net.Security.SslClientAuthenticationOptions { TargetHost = "127.0.0.1", CertificateChainPolicy = policy },
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is System.Security.Authentication.AuthenticationException or IOException or SocketException)
        {
            return false;
        }
    }

    private static async Task<bool> AcceptsConnectionsAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient(AddressFamily.InterNetwork);
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static string Quote(string value) => "\"" + value.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
