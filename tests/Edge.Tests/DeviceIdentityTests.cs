using Microsoft.Extensions.Logging;
using P1Telemetry.Edge.Health;
using P1Telemetry.Edge.Tests.Infrastructure;
using P1Telemetry.Edge.Uploading;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.Edge.Tests;

/// <summary>DEVICE_ID against the server's <c>GET /v1/me</c> (real HTTPS endpoint).</summary>
public sealed class DeviceIdentityTests : IAsyncLifetime
{
    private readonly TestCertificates _ca = TestCertificates.Create(commonName: "Identity Test");
    private IngestTestServer _server = null!;

    public async Task InitializeAsync() => _server = await IngestTestServer.StartAsync(_ca.IssueServerCertificate());

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _ca.Dispose();
    }

    private (DeviceIdentity Identity, ListLogger<DeviceIdentity> Log, IngestClient Client) Create(string? configured)
    {
        var client = new IngestClient(_server.IngestUri, "t", TimeSpan.FromSeconds(10), [_ca.CaCertificate]);
        var log = new ListLogger<DeviceIdentity>();
        return (new DeviceIdentity(configured, client, new HealthMonitor(TimeProvider.System), log), log, client);
    }

    [Fact]
    public async Task A_configured_id_the_server_disagrees_with_is_logged_as_an_error_naming_both()
    {
        _server.MeDeviceId = "meter-1";
        var (identity, log, client) = Create("meter-9");
        using (client)
        {
            Assert.Equal("meter-9", await identity.ResolveAsync(default));
            await identity.ResolveAsync(default);
        }

        var error = Assert.Single(log.Entries, e => e.Level == LogLevel.Error);
        Assert.Contains("DEVICE_ID is meter-9 but the server maps VPS_TOKEN to meter-1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_configured_id_it_is_learnt_once()
    {
        _server.MeDeviceId = "garage";
        var (identity, log, client) = Create(null);
        using (client)
        {
            Assert.Equal("garage", await identity.ResolveAsync(default));
            _server.MeDeviceId = "changed";
            Assert.Equal("garage", await identity.ResolveAsync(default));
        }

        Assert.DoesNotContain(log.Entries, e => e.Level >= LogLevel.Warning);
    }
}
