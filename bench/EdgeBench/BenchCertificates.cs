using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace P1Telemetry.EdgeBench;

/// <summary>A throwaway CA and a 127.0.0.1 server certificate for the local ingest endpoint.</summary>
internal sealed class BenchCertificates : IDisposable
{
    private BenchCertificates(X509Certificate2 ca, X509Certificate2 server)
    {
        Ca = ca;
        Server = server;
    }

    public X509Certificate2 Ca { get; }

    public X509Certificate2 Server { get; }

    public static BenchCertificates Create()
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Edge Bench CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        var now = DateTimeOffset.UtcNow;
        var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var issued = request.Create(ca, now.AddHours(-1), now.AddDays(7), RandomNumberGenerator.GetBytes(12));
        using var withKey = issued.CopyWithPrivateKey(key);
        return new BenchCertificates(ca, X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null));
    }

    public void Dispose()
    {
        Ca.Dispose();
        Server.Dispose();
    }
}
