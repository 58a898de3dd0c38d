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

    private TestCertificates(string directory, bool ownsDirectory, X509Certificate2 ca, X509Certificate2 server)
    {
        Directory = directory;
        _ownsDirectory = ownsDirectory;
        CaCertificate = ca;
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
        directory ??= NewScratchDirectory("certs");
        System.IO.Directory.CreateDirectory(directory);

        var notBefore = DateTimeOffset.UtcNow.AddDays(-1);
        var notAfter = DateTimeOffset.UtcNow.AddDays(30);

        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN={commonName} CA, O=P1 Telemetry tests", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var caSki = new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false);
        caRequest.CertificateExtensions.Add(caSki);
        using var caWithKey = caRequest.CreateSelfSigned(notBefore, notAfter.AddDays(1));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest($"CN={commonName} server", serverKey, HashAlgorithmName.SHA256);
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication")], false));
        serverRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(serverRequest.PublicKey, false));
        serverRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(caSki));
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddIpAddress(IPAddress.IPv6Loopback);
        san.AddDnsName("localhost");
        foreach (var name in extraDnsNames)
        {
            san.AddDnsName(name);
        }

        serverRequest.CertificateExtensions.Add(san.Build());
        var serial = new byte[16];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7F;
        using var serverPublic = serverRequest.Create(caWithKey, notBefore, notAfter, serial);
        var server = serverPublic.CopyWithPrivateKey(serverKey);

        File.WriteAllText(Path.Combine(directory, "ca.pem"), caWithKey.ExportCertificatePem() + "\n");
        File.WriteAllText(Path.Combine(directory, "server.pem"), server.ExportCertificatePem() + "\n");
        File.WriteAllText(Path.Combine(directory, "server-key.pem"), serverKey.ExportPkcs8PrivateKeyPem() + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path.Combine(directory, "server-key.pem"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var ca = X509CertificateLoader.LoadCertificate(caWithKey.RawData);
        return new TestCertificates(directory, ownsDirectory, ca, server);
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

    private static string NewScratchDirectory(string prefix)
    {
        var path = TestRunDirectory.NewPath(prefix);
        System.IO.Directory.CreateDirectory(path);
        return path;
    }
}
