using System.Net.Http.Headers;
using System.Security.Authentication;
using P1Telemetry.Edge.Configuration;
using P1Telemetry.Edge.Meter;
using P1Telemetry.Edge.Normalization;
using P1Telemetry.Edge.Security;
using P1Telemetry.Edge.Tests.Infrastructure;
using P1Telemetry.MeterSimulator;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.Edge.Tests;

/// <summary>The meter client against the meter simulator over real sockets (HTTP, HTTPS, WebSocket).</summary>
public sealed class MeterClientTests : IAsyncLifetime
{
    private static readonly TimeZoneInfo _brussels = TimeZoneInfo.FindSystemTimeZoneById("Europe/Brussels");
    private SimulatorHost _sim = null!;
    private string _token = null!;

    public async Task InitializeAsync()
    {
        _sim = await Simulator.StartAsync();
        _token = _sim.CreatePairedToken("local/edge-tests");
    }

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    private MeterClient V2Client(string? host = null, double timeoutSeconds = 5) =>
        Simulator.Client(host ?? Simulator.HostAndPort(_sim.V2BaseUri), _token, [_sim.CaCertificate], timeoutSeconds: timeoutSeconds);

    [Fact]
    public async Task V1_is_detected_and_polled_over_http()
    {
        using var client = Simulator.Client(Simulator.HostAndPort(_sim.V1BaseUri));

        var reading = await client.ReadAsync(default);

        Assert.NotNull(reading);
        Assert.Equal(MeterApiVersion.V1, client.Version);
        Assert.Equal(_sim.Serial, client.Serial);
        var sample = SampleNormalizer.Normalize(reading, _brussels);
        Assert.Contains(_sim.Readings, t => t.PowerW == sample.PowerW && t.EnergyImportKwh == sample.EnergyImportKwh && t.EnergyExportKwh == sample.EnergyExportKwh);
    }

    [Fact]
    public async Task V2_is_detected_by_the_401_on_api_and_its_measurement_matches_the_meter()
    {
        using var client = V2Client();

        var reading = await client.ReadAsync(default);

        Assert.NotNull(reading);
        Assert.Equal(MeterApiVersion.V2, client.Version);
        Assert.Equal(_sim.Serial, client.CertificateValidator.ExpectedSerial);
        var sample = SampleNormalizer.Normalize(reading, _brussels);
        var telegram = Assert.Single(_sim.Readings, t => t.TsUtc == sample.Ts);
        Assert.Equal((telegram.PowerW, telegram.EnergyImportKwh, telegram.EnergyExportKwh), (sample.PowerW, sample.EnergyImportKwh, sample.EnergyExportKwh));
        Assert.Equal(telegram.AveragePower15mW, sample.AveragePower15mW);
        Assert.Equal(telegram.GasM3, sample.GasM3);
        Assert.Equal(telegram.GasTsUtc, sample.GasTs);
    }

    [Fact]
    public async Task An_https_url_pins_v2_and_an_http_url_pins_v1()
    {
        using var v2 = Simulator.Client(_sim.V2BaseUri.ToString(), _token, [_sim.CaCertificate]);
        using var v1 = Simulator.Client(_sim.V1BaseUri.ToString());

        Assert.NotNull(await v2.ReadAsync(default));
        Assert.NotNull(await v1.ReadAsync(default));
        Assert.Equal((MeterApiVersion.V2, MeterApiVersion.V1), (v2.Version!.Value, v1.Version!.Value));
    }

    [Fact]
    public async Task Websocket_push_delivers_one_measurement_per_telegram()
    {
        using var client = V2Client();
        Assert.NotNull(await client.ReadAsync(default)); // detection first, as the reader loop does
        var samples = new List<Contracts.Wire.Sample>();
        using var enough = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => MeterWebSocket.RunAsync(client, TimeSpan.FromSeconds(10), TimeProvider.System,
            (reading, _) =>
            {
                samples.Add(SampleNormalizer.Normalize(reading, _brussels));
                if (samples.Count == 4)
                {
                    enough.Cancel();
                }

                return Task.CompletedTask;
            }, null, enough.Token));

        Assert.Equal(4, samples.Count);
        Assert.Equal(4, samples.Select(s => s.Ts).Distinct().Count());
        foreach (var sample in samples)
        {
            var telegram = Assert.Single(_sim.Readings, t => t.TsUtc == sample.Ts);
            Assert.Equal(telegram.EnergyImportKwh, sample.EnergyImportKwh);
        }
    }

    [Fact]
    public async Task Websocket_with_a_wrong_token_ends_with_an_error()
    {
        using var client = V2Client();
        Assert.NotNull(await client.ReadAsync(default));
        using var wrong = Simulator.Client(Simulator.HostAndPort(_sim.V2BaseUri), "0123456789ABCDEF0123456789ABCDEF", [_sim.CaCertificate], MeterApiVersion.V2);
        var received = 0L;

        var ended = await Record.ExceptionAsync(async () => received = await MeterWebSocket.RunAsync(wrong, TimeSpan.FromSeconds(10), TimeProvider.System,
            (_, _) => Task.CompletedTask, null, default));

        Assert.Equal(0, received);
        Assert.True(ended is null or not OperationCanceledException);
    }

    [Fact]
    public async Task A_wrong_token_is_no_reading_with_advice_to_pair()
    {
        using var client = Simulator.Client(Simulator.HostAndPort(_sim.V2BaseUri), "0123456789ABCDEF0123456789ABCDEF", [_sim.CaCertificate], MeterApiVersion.V2);

        Assert.Null(await client.ReadAsync(default));
        Assert.Contains("p1-edge pair", client.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_certificate_from_another_ca_is_refused()
    {
        using var otherCa = TestCertificates.Create(commonName: "Not HomeWizard");
        using var client = Simulator.Client(_sim.V2BaseUri.ToString(), _token, [otherCa.CaCertificate]);

        Assert.Null(await client.ReadAsync(default));
        Assert.Contains("TLS refused", client.LastError, StringComparison.Ordinal);
        Assert.Contains("not issued by the trusted meter CA", client.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_bundled_homewizard_ca_does_not_trust_the_simulator()
    {
        using var client = Simulator.Client(_sim.V2BaseUri.ToString(), _token, CertificateFiles.HomeWizardCa());

        Assert.Null(await client.ReadAsync(default));
        Assert.Contains("TLS refused", client.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_dongles_certificate_is_refused_once_the_serial_is_known()
    {
        var validator = new MeterCertificateValidator([_sim.CaCertificate]) { ExpectedSerial = "5c2faf000000" };
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = validator.Callback;
        using var http = new HttpClient(handler);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_sim.V2BaseUri, "/api/measurement"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => http.SendAsync(request));

        Assert.IsType<AuthenticationException>(error.InnerException);
        Assert.Contains($"belongs to dongle '{_sim.Serial}'", validator.LastFailure, StringComparison.Ordinal);
    }
}
