using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace P1Telemetry.MeterSimulator.Tls;

/// <summary>
/// The simulator's own stand-in for HomeWizard's "Appliance Access CA": a test CA and a device certificate
/// with CN <c>appliance/p1dongle/&lt;serial&gt;</c> signed by it, like a real dongle's. Both persist as PEM
/// files in the state directory and are reused while valid, so a client configured with the CA file keeps
/// working across restarts.
/// </summary>
public sealed class DeviceCertificates : IDisposable
{
    public const string CaFileName = "simulator-ca.pem";
    public const string CaKeyFileName = "simulator-ca.key.pem";

    private DeviceCertificates(X509Certificate2 ca, string caPath, X509Certificate2 device)
    {
        CaCertificate = ca;
        CaCertificatePath = caPath;
        DeviceCertificate = device;
    }

    /// <summary>The CA certificate (public part only).</summary>
    public X509Certificate2 CaCertificate { get; }

    public string CaCertificatePath { get; }

    /// <summary>The device certificate with its private key, served on the HTTPS listener.</summary>
    public X509Certificate2 DeviceCertificate { get; }

    public static string CommonNameFor(string serial) => $"appliance/p1dongle/{serial}";

    /// <summary>Loads the CA and device certificate from <paramref name="stateDirectory"/>, creating what is missing or expired.</summary>
    /// <param name="stateDirectory">Where the PEM files live.</param>
    /// <param name="serial">The dongle serial that goes into the device certificate's CN.</param>
    /// <param name="now">Real wall-clock time: clients check validity against their own clock.</param>
    public static DeviceCertificates LoadOrCreate(string stateDirectory, string serial, DateTimeOffset now)
    {
        Directory.CreateDirectory(stateDirectory);
        var caPath = Path.Combine(stateDirectory, CaFileName);
        var caKeyPath = Path.Combine(stateDirectory, CaKeyFileName);
        var devicePath = Path.Combine(stateDirectory, $"device-{serial}.pem");
        var deviceKeyPath = Path.Combine(stateDirectory, $"device-{serial}.key.pem");

        using var caWithKey = TryLoad(caPath, caKeyPath, now) is { } existingCa && IsCa(existingCa)
            ? existingCa
            : CreateCa(caPath, caKeyPath, now);

        var device = TryLoad(devicePath, deviceKeyPath, now) is { } existing && IsIssuedBy(existing, caWithKey, serial, now)
            ? existing
            : CreateDevice(caWithKey, serial, devicePath, deviceKeyPath, now);

        var caPublic = X509CertificateLoader.LoadCertificate(caWithKey.RawData);
        return new DeviceCertificates(caPublic, caPath, ToServable(device));
    }

    public void Dispose()
    {
        CaCertificate.Dispose();
        DeviceCertificate.Dispose();
    }

    private static X509Certificate2? TryLoad(string certPath, string keyPath, DateTimeOffset now)
    {
        if (!File.Exists(certPath) || !File.Exists(keyPath))
        {
            return null;
        }

        try
        {
            var certificate = X509Certificate2.CreateFromPemFile(certPath, keyPath);
            if (certificate.NotAfter.ToUniversalTime() <= now.UtcDateTime.AddDays(1)
                || certificate.NotBefore.ToUniversalTime() > now.UtcDateTime)
            {
                certificate.Dispose();
                return null;
            }

            return certificate;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private static bool IsCa(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509BasicConstraintsExtension>().Any(c => c.CertificateAuthority);

    private static bool IsIssuedBy(X509Certificate2 device, X509Certificate2 ca, string serial, DateTimeOffset now)
    {
        if (device.GetNameInfo(X509NameType.SimpleName, forIssuer: false) != CommonNameFor(serial))
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        return chain.Build(device);
    }

    private static X509Certificate2 CreateCa(string certPath, string keyPath, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=P1 Meter Simulator Appliance Access CA, O=P1 Telemetry test", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));
        WritePem(certPath, certificate.ExportCertificatePem(), keyPath, key.ExportPkcs8PrivateKeyPem());
        return certificate;
    }

    private static X509Certificate2 CreateDevice(X509Certificate2 ca, string serial, string certPath, string keyPath, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={CommonNameFor(serial)}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var serialNumber = RandomNumberGenerator.GetBytes(16);
        serialNumber[0] &= 0x7F;
        var notAfter = now.AddYears(5) < ca.NotAfter ? now.AddYears(5) : new DateTimeOffset(ca.NotAfter.ToUniversalTime());
        using var issued = request.Create(ca, now.AddDays(-1), notAfter, serialNumber);
        WritePem(certPath, issued.ExportCertificatePem(), keyPath, key.ExportPkcs8PrivateKeyPem());
        return issued.CopyWithPrivateKey(key);
    }

    private static void WritePem(string certPath, string certificatePem, string keyPath, string keyPem)
    {
        File.WriteAllText(certPath, certificatePem);
        File.WriteAllText(keyPath, keyPem);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    /// <summary>A certificate whose key TLS can use on every platform (a PEM-loaded key is ephemeral).</summary>
    private static X509Certificate2 ToServable(X509Certificate2 certificate)
    {
        using (certificate)
        {
            return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
        }
    }
}
