using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.MeterSimulator.Tests;

/// <summary>The v2 listener serves a device certificate like a real dongle's, signed by the CA written to disk.</summary>
public sealed class TlsTests
{
    private static async Task<X509Certificate2> ServedCertificateAsync(SimulatorHost host)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(host.V2BaseUri.Host, host.V2BaseUri.Port);
        X509Certificate2? served = null;
        await using var tls = new SslStream(tcp.GetStream(), false, (_, certificate, _, errors) =>
        {
            served = certificate is null ? null : new X509Certificate2(certificate);
            return SimulatorClients.IsDeviceCertificate(certificate, errors, host.CaCertificate, host.Serial);
        });
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "p1meter.local" });
        return served!;
    }

    private static string TempStateDirectory() =>
        TestRunDirectory.NewPath("sim-tls");

    [Fact]
    public async Task Served_certificate_chains_to_the_written_CA_and_names_the_dongle()
    {
        await using var host = await TestSimulator.StartAsync(new SimulatorOptions { Serial = "5c2fafa1b2c3" });
        using var served = await ServedCertificateAsync(host);
        using var caFromFile = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(host.CaCertificatePath));

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(caFromFile);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;

        Assert.True(chain.Build(served), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
        Assert.Equal("appliance/p1dongle/5c2fafa1b2c3", served.GetNameInfo(X509NameType.SimpleName, false));
        Assert.Equal(caFromFile.Thumbprint, chain.ChainElements[^1].Certificate.Thumbprint);
        Assert.Equal(host.CaCertificate.Thumbprint, caFromFile.Thumbprint);
        Assert.EndsWith("simulator-ca.pem", host.CaCertificatePath, StringComparison.Ordinal);
        Assert.False(host.CaCertificate.HasPrivateKey);
    }

    [Fact]
    public async Task A_client_trusting_another_CA_refuses_the_connection()
    {
        await using var host = await TestSimulator.StartAsync(new SimulatorOptions());
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Some other CA", otherKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var otherCa = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        using var pinnedElsewhere = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                    SimulatorClients.IsDeviceCertificate(certificate, errors, otherCa, host.Serial),
            },
        });
        using var systemTrust = new HttpClient();

        var pinned = await Assert.ThrowsAsync<HttpRequestException>(() => pinnedElsewhere.GetAsync(new Uri(host.V2BaseUri, "api")));
        Assert.IsType<AuthenticationException>(pinned.InnerException);
        var system = await Assert.ThrowsAsync<HttpRequestException>(() => systemTrust.GetAsync(new Uri(host.V2BaseUri, "api")));
        Assert.IsType<AuthenticationException>(system.InnerException);
    }

    [Fact]
    public async Task A_client_expecting_another_serial_refuses_the_certificate()
    {
        await using var host = await TestSimulator.StartAsync(new SimulatorOptions());
        using var client = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                    SimulatorClients.IsDeviceCertificate(certificate, errors, host.CaCertificate, "000000000000"),
            },
        });

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(new Uri(host.V2BaseUri, "api")));
    }

    [Fact]
    public async Task State_directory_keeps_the_CA_and_device_certificate_across_restarts()
    {
        var stateDirectory = TempStateDirectory();
        try
        {
            string caThumbprint;
            string deviceThumbprint;
            await using (var first = await TestSimulator.StartAsync(new SimulatorOptions { StateDirectory = stateDirectory }))
            {
                caThumbprint = first.CaCertificate.Thumbprint;
                using var served = await ServedCertificateAsync(first);
                deviceThumbprint = served.Thumbprint;
            }

            await using (var second = await TestSimulator.StartAsync(new SimulatorOptions { StateDirectory = stateDirectory }))
            {
                using var served = await ServedCertificateAsync(second);
                Assert.Equal(caThumbprint, second.CaCertificate.Thumbprint);
                Assert.Equal(deviceThumbprint, served.Thumbprint);
            }

            await using var otherSerial = await TestSimulator.StartAsync(new SimulatorOptions { StateDirectory = stateDirectory, Serial = "aabbccddeeff" });
            using var otherServed = await ServedCertificateAsync(otherSerial);
            Assert.Equal(caThumbprint, otherSerial.CaCertificate.Thumbprint);
            Assert.Equal("appliance/p1dongle/aabbccddeeff", otherServed.GetNameInfo(X509NameType.SimpleName, false));
        }
        finally
        {
            Directory.Delete(stateDirectory, recursive: true);
        }
    }
}
