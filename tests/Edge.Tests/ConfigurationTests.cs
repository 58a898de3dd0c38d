using Microsoft.Extensions.Configuration;
using P1Telemetry.Edge.Commands;
using P1Telemetry.Edge.Configuration;

namespace P1Telemetry.Edge.Tests;

public sealed class ConfigurationTests
{
    private static EdgeOptions Bind(Dictionary<string, string?> values) =>
        EdgeConfiguration.Load(new ConfigurationBuilder().AddInMemoryCollection(values).Build());

    private static Dictionary<string, string?> Valid() => new()
    {
        ["HW_P1_HOST"] = "192.168.1.50",
        ["VPS_INGEST_URL"] = "https://vps.example.org/v1/ingest",
        ["VPS_TOKEN"] = "t",
    };

    private static List<string> Errors(Dictionary<string, string?> values) =>
        new EdgeOptionsValidator().Validate(null, Bind(values)).Failures?.ToList() ?? [];

    [Fact]
    public void Defaults_follow_the_contract()
    {
        var options = Bind(Valid());

        Assert.Empty(Errors(Valid()));
        Assert.Equal(TimeSpan.FromSeconds(1), options.PollInterval);
        Assert.Equal(TimeSpan.FromSeconds(5), options.UploadInterval);
        Assert.Equal(5000, options.BatchSize);
        Assert.Equal((TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(300)), (options.BackoffBase, options.BackoffMax));
        Assert.Equal(TimeSpan.FromSeconds(10), options.HttpTimeout);
        Assert.Equal(60000, options.MaxPowerW);
        Assert.Equal(Path.Combine(Path.GetFullPath("./data"), "health.json"), options.EffectiveHealthPath);
        Assert.Equal(MeterApiVersion.Auto, options.ParsedApiVersion);
        Assert.Equal(MeterTransport.Auto, options.ParsedTransport);
    }

    [Fact]
    public void Intervals_accept_fractions_of_a_second()
    {
        var values = Valid();
        values["POLL_INTERVAL_S"] = "0.5";
        values["UPLOAD_INTERVAL_S"] = "2.25";

        var options = Bind(values);

        Assert.Equal(TimeSpan.FromMilliseconds(500), options.PollInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(2250), options.UploadInterval);
    }

    [Theory]
    [InlineData("VPS_INGEST_URL", "http://vps.example.org/v1/ingest", "VPS_INGEST_URL must be an https:// URL")]
    [InlineData("VPS_INGEST_URL", "vps.example.org", "VPS_INGEST_URL must be an https:// URL")]
    [InlineData("VPS_TOKEN", "", "VPS_TOKEN must be set")]
    [InlineData("HW_P1_HOST", "http://", "HW_P1_HOST")]
    [InlineData("HW_API_VERSION", "3", "HW_API_VERSION must be auto, 1 or 2")]
    [InlineData("HW_API_VERSION", "2", "HW_P1_TOKEN is required")]
    [InlineData("HW_TRANSPORT", "carrier-pigeon", "HW_TRANSPORT")]
    [InlineData("POLL_INTERVAL_S", "0", "POLL_INTERVAL_S must be a positive number")]
    [InlineData("BACKOFF_MAX_S", "0.5", "BACKOFF_MAX_S must be >= BACKOFF_BASE_S")]
    [InlineData("DEVICE_ID", "my meter", "DEVICE_ID must be 1-64 characters")]
    [InlineData("VPS_CA_FILE", "/nonexistent/ca.pem", "VPS_CA_FILE names '/nonexistent/ca.pem'")]
    [InlineData("TIMEZONE", "Mars/Olympus", "TIMEZONE")]
    [InlineData("MAX_POWER_W", "-1", "MAX_POWER_W must be a positive number of watts")]
    public void Bad_values_are_refused_naming_the_variable(string variable, string value, string message)
    {
        var values = Valid();
        values[variable] = value;

        Assert.Contains(Errors(values), e => e.Contains(message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("192.168.1.50", "192.168.1.50", null, null)]
    [InlineData("p1meter.local:8443", "p1meter.local", 8443, null)]
    [InlineData("https://10.0.0.2", "10.0.0.2", null, "https")]
    [InlineData("http://10.0.0.2:8080/", "10.0.0.2", 8080, "http")]
    [InlineData("[fe80::1]:443", "[fe80::1]", 443, null)]
    public void The_meter_host_accepts_host_host_port_or_url(string text, string host, int? port, string? scheme)
    {
        Assert.True(MeterAddress.TryParse(text, out var address));
        Assert.Equal(new MeterAddress(host, port, scheme), address);
    }

    [Fact]
    public void A_bare_host_uses_the_standard_ports_per_api_version()
    {
        Assert.True(MeterAddress.TryParse("10.0.0.2", out var address));

        Assert.Equal(new Uri("http://10.0.0.2/"), address.BaseUri(MeterApiVersion.V1));
        Assert.Equal(new Uri("https://10.0.0.2/"), address.BaseUri(MeterApiVersion.V2));
        Assert.Equal(new Uri("wss://10.0.0.2/api/ws"), address.WebSocketUri());
    }
}
