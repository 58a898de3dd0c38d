using P1Telemetry.EndToEnd.Tests.Support;
using P1Telemetry.HealthProbe;

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

    [Theory]
    [InlineData("")]
    [InlineData("ftp://127.0.0.1/")]
    [InlineData("not a url")]
    [InlineData("http://127.0.0.1/|-1")]
    [InlineData("http://127.0.0.1/|1|extra")]
    public async Task Wrong_usage_exits_2(string joinedArguments)
    {
        var arguments = joinedArguments.Split('|', StringSplitOptions.RemoveEmptyEntries);

        var exitCode = await Probe.RunAsync(arguments, TextWriter.Null, TextWriter.Null, CancellationToken.None);

        Assert.Equal(Probe.Usage, exitCode);
    }
}
