using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging.Abstractions;
using P1Telemetry.Edge.Configuration;
using P1Telemetry.Edge.Meter;
using P1Telemetry.MeterSimulator;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.Edge.Tests.Infrastructure;

/// <summary>Starts the meter simulator on loopback (random ports, state under the test run directory).</summary>
public static class Simulator
{
    public static Task<SimulatorHost> StartAsync(SimulatorOptions? options = null) =>
        SimulatorHost.StartAsync((options ?? new SimulatorOptions { Speed = 4 }) with { TemporaryStateRoot = TestRunDirectory.Root });

    public static MeterClient Client(string host, string? token = null, X509Certificate2Collection? roots = null,
        MeterApiVersion version = MeterApiVersion.Auto, double timeoutSeconds = 5)
    {
        Assert.True(MeterAddress.TryParse(host, out var address));
        return new MeterClient(address, token, version, TimeSpan.FromSeconds(timeoutSeconds), roots ?? [],
            TimeProvider.System, NullLogger<MeterClient>.Instance);
    }

    /// <summary>"127.0.0.1:port" without a scheme, so the client has to detect the API version itself.</summary>
    public static string HostAndPort(Uri uri) => $"{uri.Host}:{uri.Port}";
}
