using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace P1Telemetry.Edge.Security;

/// <summary>
/// Verifies a dongle's HTTPS certificate the way HomeWizard prescribes: the chain must end in the
/// HomeWizard CA (or the configured one) and nothing else, and the subject must be
/// <c>appliance/p1dongle/&lt;serial&gt;</c>. The name never matches the address dialled (an IP), so only
/// that one check is waived; everything else must pass.
/// </summary>
public sealed class MeterCertificateValidator(X509Certificate2Collection roots)
{
    public const string SubjectPrefix = "appliance/p1dongle/";

    private volatile string? _expectedSerial;

    /// <summary>Once the serial is known (from <c>/api</c>), only that dongle's certificate is accepted.</summary>
    public string? ExpectedSerial
    {
        get => _expectedSerial;
        set => _expectedSerial = value;
    }

    /// <summary>The reason of the last refusal, for the log line that follows the failed request.</summary>
    public string? LastFailure { get; private set; }

    public bool Validate(X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        var failure = Check(certificate, presented, errors);
        LastFailure = failure;
        return failure is null;
    }

    public RemoteCertificateValidationCallback Callback =>
        (_, certificate, chain, errors) => Validate(certificate, chain, errors);

    private string? Check(X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return "the meter presented no certificate";
        }

        var leaf = CertificateFiles.AsCertificate2(certificate);
        if (!CertificateFiles.ChainsTo(leaf, presented, roots))
        {
            return $"the certificate '{leaf.Subject}' is not issued by the trusted meter CA";
        }

        var commonName = leaf.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        if (!commonName.StartsWith(SubjectPrefix, StringComparison.Ordinal))
        {
            return $"the certificate's common name '{commonName}' is not a P1 dongle's";
        }

        var serial = _expectedSerial;
        if (serial is not null && !string.Equals(commonName[SubjectPrefix.Length..], serial, StringComparison.OrdinalIgnoreCase))
        {
            return $"the certificate belongs to dongle '{commonName[SubjectPrefix.Length..]}', expected '{serial}'";
        }

        return null;
    }
}
