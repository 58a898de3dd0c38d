using System.Security.Cryptography.X509Certificates;

namespace P1Telemetry.Edge.Security;

/// <summary>Loads trust anchors: PEM files given in configuration and the bundled HomeWizard CA.</summary>
public static class CertificateFiles
{
    /// <summary>
    /// HomeWizard's "Appliance Access CA", the root of every P1 dongle's HTTPS certificate. Embedded from
    /// homewizard/python-homewizard-energy (homewizard_energy/v2/cacert.py, Apache-2.0); valid until 2031-12-16.
    /// </summary>
    public static X509Certificate2Collection HomeWizardCa()
    {
        using var stream = typeof(CertificateFiles).Assembly.GetManifestResourceStream("P1Telemetry.Edge.homewizard-ca-cert.pem")
            ?? throw new InvalidOperationException("The bundled HomeWizard CA certificate is missing from the build.");
        using var reader = new StreamReader(stream);
        var collection = new X509Certificate2Collection();
        collection.ImportFromPem(reader.ReadToEnd());
        return collection;
    }

    /// <summary>Every certificate in a PEM file; throws with the path when it holds none.</summary>
    public static X509Certificate2Collection LoadPem(string path)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPemFile(path);
        if (collection.Count == 0)
        {
            throw new InvalidOperationException($"'{path}' holds no PEM certificate.");
        }

        return collection;
    }

    /// <summary>Builds a chain for <paramref name="leaf"/> that must end in one of <paramref name="roots"/>.</summary>
    public static bool ChainsTo(X509Certificate2 leaf, X509Chain? presented, X509Certificate2Collection roots)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        ArgumentNullException.ThrowIfNull(roots);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        // Private CAs (a dongle's, Caddy's internal one) publish no revocation lists.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                if (!element.Certificate.RawDataMemory.Span.SequenceEqual(leaf.RawDataMemory.Span))
                {
                    chain.ChainPolicy.ExtraStore.Add(element.Certificate);
                }
            }
        }

        return chain.Build(leaf);
    }

    public static X509Certificate2 AsCertificate2(X509Certificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
    }
}
