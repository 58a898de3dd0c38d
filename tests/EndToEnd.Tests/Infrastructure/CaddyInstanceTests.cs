using System.Net;
using System.Security.Authentication;
using P1Telemetry.EndToEnd.Tests.Support;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.EndToEnd.Tests.Infrastructure;

/// <summary>The Caddy fixture really terminates TLS with the given certificate and proxies to its upstream.</summary>
public sealed class CaddyInstanceTests
{
    [Fact]
    public async Task Https_through_caddy_works_when_the_test_ca_is_trusted()
    {
        using var certificates = TestCertificates.Create();
        await using var upstream = await TinyUpstream.StartAsync();
        await using var caddy = await CaddyInstance.StartAsync(new CaddyOptions
        {
            Upstream = upstream.BaseUri,
            CertificatePath = certificates.ServerCertificatePath,
            KeyPath = certificates.ServerKeyPath,
        });
        using var client = new HttpClient(certificates.CreateTrustingHandler());

        var body = await client.GetStringAsync(new Uri(caddy.BaseUri, "/v1/anything"));

        Assert.Equal(TinyUpstream.Body, body);
        Assert.Equal("/v1/anything", Assert.Single(upstream.Requests).Path);
    }

    [Fact]
    public async Task Https_through_caddy_is_refused_when_the_test_ca_is_not_trusted()
    {
        using var certificates = TestCertificates.Create();
        using var otherCa = TestCertificates.Create();
        await using var upstream = await TinyUpstream.StartAsync();
        await using var caddy = await CaddyInstance.StartAsync(new CaddyOptions
        {
            Upstream = upstream.BaseUri,
            CertificatePath = certificates.ServerCertificatePath,
            KeyPath = certificates.ServerKeyPath,
        });

        // Neither the system trust store nor another private CA vouches for this certificate.
        using var systemTrust = new HttpClient();
        using var wrongCa = new HttpClient(otherCa.CreateTrustingHandler());
        var system = await Assert.ThrowsAsync<HttpRequestException>(() => systemTrust.GetStringAsync(caddy.BaseUri));
        var wrong = await Assert.ThrowsAsync<HttpRequestException>(() => wrongCa.GetStringAsync(caddy.BaseUri));

        Assert.IsType<AuthenticationException>(system.InnerException);
        Assert.IsType<AuthenticationException>(wrong.InnerException);
        Assert.Empty(upstream.Requests);
    }

    [Fact]
    public async Task Tls_internal_serves_a_certificate_from_the_extracted_root()
    {
        await using var upstream = await TinyUpstream.StartAsync();
        await using var caddy = await CaddyInstance.StartAsync(new CaddyOptions { Upstream = upstream.BaseUri });
        using var root = caddy.LoadInternalRootCertificate();
        using var trusting = new HttpClient(TestCertificates.CreateHandlerTrusting(root));
        using var untrusting = new HttpClient();

        Assert.Equal(TinyUpstream.Body, await trusting.GetStringAsync(caddy.BaseUri));
        await Assert.ThrowsAsync<HttpRequestException>(() => untrusting.GetStringAsync(caddy.BaseUri));
    }

    [Fact]
    public async Task Https_upstream_is_verified_against_the_given_ca_so_tokens_never_travel_in_clear()
    {
        using var certificates = TestCertificates.Create();
        await using var upstream = await TinyUpstream.StartAsync(certificates.ServerCertificate);
        await using var caddy = await CaddyInstance.StartAsync(new CaddyOptions
        {
            Upstream = upstream.BaseUri,
            CertificatePath = certificates.ServerCertificatePath,
            KeyPath = certificates.ServerKeyPath,
            UpstreamCaPath = certificates.CaCertificatePath,
        });
        using var client = new HttpClient(certificates.CreateTrustingHandler());
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(caddy.BaseUri, "/v1/me"));
        request.Headers.Authorization = new("Bearer", "secret-token");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = Assert.Single(upstream.Requests);
        Assert.Equal("https", seen.Scheme);
        Assert.True(seen.HadAuthorization);
    }

    [Fact]
    public async Task Https_upstream_with_an_untrusted_certificate_gets_502()
    {
        using var certificates = TestCertificates.Create();
        using var otherCa = TestCertificates.Create();
        await using var upstream = await TinyUpstream.StartAsync(otherCa.ServerCertificate);
        await using var caddy = await CaddyInstance.StartAsync(new CaddyOptions
        {
            Upstream = upstream.BaseUri,
            CertificatePath = certificates.ServerCertificatePath,
            KeyPath = certificates.ServerKeyPath,
            UpstreamCaPath = certificates.CaCertificatePath,
        });
        using var client = new HttpClient(certificates.CreateTrustingHandler());

        using var response = await client.GetAsync(caddy.BaseUri);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Empty(upstream.Requests);
    }

    [Fact]
    public async Task Stop_and_restart_keep_the_same_port()
    {
        using var certificates = TestCertificates.Create();
        await using var upstream = await TinyUpstream.StartAsync();
        await using var caddy = await CaddyInstance.StartAsync(new CaddyOptions
        {
            Upstream = upstream.BaseUri,
            CertificatePath = certificates.ServerCertificatePath,
            KeyPath = certificates.ServerKeyPath,
        });
        using var client = new HttpClient(certificates.CreateTrustingHandler()) { Timeout = TimeSpan.FromSeconds(5) };

        await caddy.StopAsync();
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync(caddy.BaseUri));
        await caddy.RestartAsync();

        Assert.True(caddy.IsRunning);
        Assert.Equal(TinyUpstream.Body, await client.GetStringAsync(caddy.BaseUri));
    }
}
