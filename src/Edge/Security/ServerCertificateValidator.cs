using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace P1Telemetry.Edge.Security;

/// <summary>
/// Verifies the server's certificate: the system's roots always count; <c>VPS_CA_FILE</c> adds private roots
/// (e.g. Caddy's internal CA). The host name must match in every case.
/// </summary>
public sealed class ServerCertificateValidator(X509Certificate2Collection? extraRoots)
{
    public bool Validate(X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (certificate is null || extraRoots is null || extraRoots.Count == 0 || errors != SslPolicyErrors.RemoteCertificateChainErrors)
        {
            return false;
        }

        return CertificateFiles.ChainsTo(CertificateFiles.AsCertificate2(certificate), presented, extraRoots);
    }

    public RemoteCertificateValidationCallback Callback =>
        (_, certificate, chain, errors) => Validate(certificate, chain, errors);
}
