using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace P1Telemetry.TestInfrastructure;

/// <summary>
/// A private test CA and a server certificate it signed, for 127.0.0.1, ::1 and localhost (plus any extra
/// names), written as PEM files: <c>ca.pem</c>, <c>server.pem</c>, <c>server-key.pem</c>. Nothing is added to
/// any trust store: a client trusts the CA explicitly (<see cref="CreateTrustingHandler"/>, the edge's
/// <c>VPS_CA_FILE</c>, Caddy's <c>tls_trusted_ca_certs</c>).
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private readonly bool _ownsDirectory;
    private readonly X509Certificate2 _caWithKey;

    private TestCertificates(string directory, bool ownsDirectory, X509Certificate2 caWithKey, X509Certificate2 server)
    {
        Directory = directory;
        _ownsDirectory = ownsDirectory;
        _caWithKey = caWithKey;
        CaCertificate = X509CertificateLoader.LoadCertificate(caWithKey.RawData);
        ServerCertificate = server;
    }

    /// <summary>The directory holding the PEM files.</summary>
    public string Directory { get; }

    /// <summary>The CA certificate (public part only).</summary>
    public X509Certificate2 CaCertificate { get; }

    /// <summary>The server certificate with its private key.</summary>
    public X509Certificate2 ServerCertificate { get; }

    public string CaCertificatePath => Path.Combine(Directory, "ca.pem");

    public string ServerCertificatePath => Path.Combine(Directory, "server.pem");

    public string ServerKeyPath => Path.Combine(Directory, "server-key.pem");

    /// <summary>
    /// Generates a fresh CA and server certificate. <paramref name="directory"/> defaults to a new directory
    /// under <c>$P1_TEST_RUN_DIR</c> (else the system temp dir), deleted on dispose.
    /// </summary>
    public static TestCertificates Create(string? directory = null, string commonName = "P1 Telemetry Test", params string[] extraDnsNames)
    {
        ArgumentNullException.ThrowIfNull(extraDnsNames);
        var ownsDirectory = directory is null;
        directory ??= TestRunDirectory.CreateSubdirectory("certs");
        System.IO.Directory.CreateDirectory(directory);

        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN={commonName} CA, O=P1 Telemetry tests", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        var caWithKey = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(31));

        var server = Issue(caWithKey, $"{commonName} server", ["localhost", .. extraDnsNames], withLoopbackAddresses: true, out var serverKeyPem);
        File.WriteAllText(Path.Combine(directory, "ca.pem"), caWithKey.ExportCertificatePem() + "\n");
        File.WriteAllText(Path.Combine(directory, "server.pem"), server.ExportCertificatePem() + "\n");
        File.WriteAllText(Path.Combine(directory, "server-key.pem"), serverKeyPem + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path.Combine(directory, "server-key.pem"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return new TestCertificates(directory, ownsDirectory, caWithKey, server);
    }

    /// <summary>
    /// Another server certificate signed by this CA: for 127.0.0.1, ::1 and localhost, or with
    /// <paramref name="withLoopbackNames"/> off for <paramref name="commonName"/> only, without alternative names.
    /// </summary>
    public X509Certificate2 IssueServerCertificate(string commonName = "localhost", bool withLoopbackNames = true) =>
        Issue(_caWithKey, commonName, withLoopbackNames ? ["localhost"] : [], withLoopbackNames, out _);

    private static X509Certificate2 Issue(X509Certificate2 ca, string commonName, string[] dnsNames, bool withLoopbackAddresses, out string keyPem)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        if (withLoopbackAddresses || dnsNames.Length > 0)
        {
            var san = new SubjectAlternativeNameBuilder();
            if (withLoopbackAddresses)
            {
                san.AddIpAddress(IPAddress.Loopback);
                san.AddIpAddress(IPAddress.IPv6Loopback);
            }

            foreach (var name in dnsNames)
            {
                san.AddDnsName(name);
            }

            request.CertificateExtensions.Add(san.Build());
        }

        var serial = new byte[16];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7F;
        var now = DateTimeOffset.UtcNow;
        using var issued = request.Create(ca, now.AddDays(-1), now.AddDays(30), serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        keyPem = key.ExportPkcs8PrivateKeyPem();
        // Kestrel on Linux wants an exportable key in a PKCS#12 round trip.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>
    /// An HTTP handler that verifies server certificates against this CA only (custom root trust, full chain
    /// and name validation), the way the edge treats <c>VPS_CA_FILE</c>.
    /// </summary>
    public SocketsHttpHandler CreateTrustingHandler() => CreateHandlerTrusting(CaCertificate);

    /// <summary>An HTTP handler that verifies server certificates against exactly the given root.</summary>
    public static SocketsHttpHandler CreateHandlerTrusting(X509Certificate2 root)
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.Add(root);
        return new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions { CertificateChainPolicy = policy },
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        };
    }

    public void Dispose()
    {
        _caWithKey.Dispose();
        CaCertificate.Dispose();
        ServerCertificate.Dispose();
        if (_ownsDirectory)
        {
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
                // Left for the test run's cleanup.
            }
        }
    }
}
