using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace P1Telemetry.MeterSimulator.Tests;

/// <summary>
/// Clients as the edge builds them: v2 over HTTPS trusting only the simulator's CA (the device certificate's CN
/// does not match the address dialled, so the chain and the CN are checked instead of the host name).
/// </summary>
internal static class SimulatorClients
{
    public static HttpClient V1(SimulatorHost host, TimeSpan? timeout = null) =>
        new() { BaseAddress = host.V1BaseUri, Timeout = timeout ?? TimeSpan.FromSeconds(10) };

    public static HttpClient V2(SimulatorHost host, string? token = null, TimeSpan? timeout = null)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                    IsDeviceCertificate(certificate, errors, host.CaCertificate, host.Serial),
            },
        };
        var client = new HttpClient(handler) { BaseAddress = host.V2BaseUri, Timeout = timeout ?? TimeSpan.FromSeconds(10) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public static bool IsDeviceCertificate(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2 ca, string serial)
    {
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            return false;
        }

        using var leaf = new X509Certificate2(certificate);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(leaf)
            && leaf.GetNameInfo(X509NameType.SimpleName, forIssuer: false) == $"appliance/p1dongle/{serial}";
    }
}
