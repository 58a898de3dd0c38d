using Microsoft.Extensions.Configuration;
using P1Telemetry.Edge.Commands;
using P1Telemetry.Edge.Configuration;
using P1Telemetry.Edge.P1;

namespace P1Telemetry.Edge.Tests;

public sealed class P1SourceConfigurationTests
{
    private static Dictionary<string, string?> Server() => new()
    {
        ["VPS_INGEST_URL"] = "https://vps.example.org/v1/ingest",
        ["VPS_TOKEN"] = "t",
    };

    private static (EdgeOptions Options, List<string> Errors) Check(Dictionary<string, string?> values)
    {
        var options = EdgeConfiguration.Load(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        return (options, new EdgeOptionsValidator().Validate(null, options).Failures?.ToList() ?? []);
    }

    [Fact]
    public void A_serial_cable_alone_is_a_valid_source_with_the_dsmr_5_defaults()
    {
        var values = Server();
        values["P1_SERIAL_DEVICE"] = "/dev/ttyUSB0";

        var (options, errors) = Check(values);

        Assert.Empty(errors);
        Assert.Equal(MeterSource.Serial, options.Source);
        Assert.Equal(115200, options.SerialBaud);
        Assert.Equal("serial /dev/ttyUSB0 (115200 8N1)", options.SourceDescription);
        Assert.True(P1PortSettings.TryParseFormat(options.SerialFormat, out var format));
        Assert.Equal((8, System.IO.Ports.Parity.None, System.IO.Ports.StopBits.One), format);
    }

    [Fact]
    public void A_dsmr_2_2_cable_reads_9600_7e1()
    {
        var values = Server();
        values["P1_SERIAL_DEVICE"] = "/dev/ttyUSB0";
        values["P1_SERIAL_BAUD"] = "9600";
        values["P1_SERIAL_FORMAT"] = "7e1";

        var (options, errors) = Check(values);

        Assert.Empty(errors);
        Assert.True(P1PortSettings.TryParseFormat(options.SerialFormat, out var format));
        Assert.Equal((7, System.IO.Ports.Parity.Even, System.IO.Ports.StopBits.One), format);
    }

    [Fact]
    public void A_tcp_stream_alone_is_a_valid_source()
    {
        var values = Server();
        values["P1_TCP"] = "192.168.1.60:2001";

        var (options, errors) = Check(values);

        Assert.Empty(errors);
        Assert.Equal(MeterSource.Tcp, options.Source);
    }

    [Theory]
    [InlineData(null, null, null, "none is set")]
    [InlineData("192.168.1.50", "/dev/ttyUSB0", null, "HW_P1_HOST and P1_SERIAL_DEVICE are all set")]
    [InlineData(null, "/dev/ttyUSB0", "bridge:2001", "P1_SERIAL_DEVICE and P1_TCP are all set")]
    [InlineData("192.168.1.50", "/dev/ttyUSB0", "bridge:2001", "HW_P1_HOST and P1_SERIAL_DEVICE and P1_TCP")]
    public void Exactly_one_source_must_be_configured(string? host, string? serial, string? tcp, string message)
    {
        var values = Server();
        values["HW_P1_HOST"] = host;
        values["P1_SERIAL_DEVICE"] = serial;
        values["P1_TCP"] = tcp;

        var (_, errors) = Check(values);

        var error = Assert.Single(errors);
        Assert.Contains("exactly one meter source", error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("P1_SERIAL_BAUD", "12", "P1_SERIAL_BAUD")]
    [InlineData("P1_SERIAL_FORMAT", "8E2", "P1_SERIAL_FORMAT must be 8N1")]
    public void A_bad_serial_setting_names_its_variable(string variable, string value, string message)
    {
        var values = Server();
        values["P1_SERIAL_DEVICE"] = "/dev/ttyUSB0";
        values[variable] = value;

        Assert.Contains(Check(values).Errors, e => e.Contains(message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("bridge")]
    [InlineData("bridge:0")]
    [InlineData("bridge:70000")]
    [InlineData(":2001")]
    public void A_bad_tcp_endpoint_names_p1_tcp(string value)
    {
        var values = Server();
        values["P1_TCP"] = value;

        Assert.Contains(Check(values).Errors, e => e.StartsWith("P1_TCP must be host:port", StringComparison.Ordinal));
    }

    [Fact]
    public void The_meter_peaks_url_lies_beside_the_ingest_url()
    {
        Assert.Equal(new Uri("https://vps.example.org/p1/v1/meter-peaks"), MeterPeaksClient.PeaksUri(new Uri("https://vps.example.org/p1/v1/ingest")));
    }

    [Fact]
    public void A_stalled_meter_clock_and_vanished_belgian_fields_are_noticed_and_cleared()
    {
        var watch = new MeterDataWatch();
        var changes = 0;
        watch.Changed += () => changes++;
        var t0 = new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

        watch.Observe(t0, hasBelgianFields: true, now: t0);
        watch.Observe(t0, hasBelgianFields: true, now: t0.AddSeconds(59));
        Assert.False(watch.ClockStalled);
        watch.Observe(t0, hasBelgianFields: true, now: t0.AddSeconds(61));
        Assert.True(watch.ClockStalled);
        watch.Observe(t0.AddSeconds(62), hasBelgianFields: false, now: t0.AddSeconds(62));
        Assert.False(watch.ClockStalled);
        Assert.True(watch.BelgianFieldsMissing);
        watch.Observe(t0.AddSeconds(63), hasBelgianFields: true, now: t0.AddSeconds(63));
        Assert.False(watch.BelgianFieldsMissing);
        Assert.Equal(3, changes);
    }
}
