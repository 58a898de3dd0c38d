using P1Telemetry.EndToEnd.Tests.Support;
using P1Telemetry.HealthProbe;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.EndToEnd.Tests.Deployment;

/// <summary>The container healthcheck of the server and simulator images, against a real Kestrel endpoint.</summary>
public sealed class HealthProbeTests
{
    [Fact]
    public async Task Healthy_endpoint_exits_0()
    {
        await using var upstream = await TinyUpstream.StartAsync();

        var exitCode = await Probe.RunAsync([new Uri(upstream.BaseUri, "/health/live").ToString()], TextWriter.Null, TextWriter.Null, CancellationToken.None);

        Assert.Equal(Probe.Healthy, exitCode);
    }

    [Fact]
    public async Task Unhealthy_status_exits_1()
    {
        await using var upstream = await TinyUpstream.StartAsync(status: 503);
        using var output = new StringWriter();

        var exitCode = await Probe.RunAsync([upstream.BaseUri.ToString()], output, TextWriter.Null, CancellationToken.None);

        Assert.Equal(Probe.Unhealthy, exitCode);
        Assert.Contains("503", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreachable_endpoint_exits_1()
    {
        Uri closed;
        await using (var upstream = await TinyUpstream.StartAsync())
        {
            closed = upstream.BaseUri;
        }

        using var error = new StringWriter();
        var exitCode = await Probe.RunAsync([closed.ToString(), "2"], TextWriter.Null, error, CancellationToken.None);

        Assert.Equal(Probe.Unhealthy, exitCode);
        Assert.Contains("unreachable", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Https_endpoint_is_healthy_only_when_its_ca_is_given()
    {
        using var certificates = TestCertificates.Create();
        using var otherCa = TestCertificates.Create();
        await using var upstream = await TinyUpstream.StartAsync(certificates.ServerCertificate);
        var url = new Uri(upstream.BaseUri, "/health/live").ToString();

        var trusted = await Probe.RunAsync([url, "--ca", certificates.CaCertificatePath], TextWriter.Null, TextWriter.Null, CancellationToken.None);
        var systemRoots = await Probe.RunAsync([url], TextWriter.Null, TextWriter.Null, CancellationToken.None);
        var wrongCa = await Probe.RunAsync([url, "5", "--ca", otherCa.CaCertificatePath], TextWriter.Null, TextWriter.Null, CancellationToken.None);

        Assert.Equal(Probe.Healthy, trusted);
        Assert.Equal(Probe.Unhealthy, systemRoots);
        Assert.Equal(Probe.Unhealthy, wrongCa);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ftp://127.0.0.1/")]
    [InlineData("not a url")]
    [InlineData("http://127.0.0.1/|-1")]
    [InlineData("http://127.0.0.1/|1|extra")]
    [InlineData("http://127.0.0.1/|--ca")]
    [InlineData("https://127.0.0.1/|--ca|/nonexistent/ca.pem")]
    public async Task Wrong_usage_exits_2(string joinedArguments)
    {
        var arguments = joinedArguments.Split('|', StringSplitOptions.RemoveEmptyEntries);

        var exitCode = await Probe.RunAsync(arguments, TextWriter.Null, TextWriter.Null, CancellationToken.None);

        Assert.Equal(Probe.Usage, exitCode);
    }
}
