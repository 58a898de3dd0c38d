using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using P1Telemetry.MeterSimulator.Device;
using P1Telemetry.MeterSimulator.Meter;
using P1Telemetry.MeterSimulator.Tls;

namespace P1Telemetry.MeterSimulator;

/// <summary>
/// A running simulated HomeWizard P1 dongle, in process: v1 on plain HTTP, v2 on HTTPS with a certificate from
/// its own test CA. Ports 0 (the default) pick free ports; the URIs report what was really bound.
/// </summary>
public sealed class SimulatorHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SimulatedDevice _device;
    private readonly string? _ownedStateDirectory;
    private int _disposed;

    private SimulatorHost(WebApplication app, SimulatedDevice device, Uri v1, Uri v2, string? ownedStateDirectory)
    {
        _app = app;
        _device = device;
        V1BaseUri = v1;
        V2BaseUri = v2;
        _ownedStateDirectory = ownedStateDirectory;
    }

    /// <summary>Plain-HTTP base address of the v1 API, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri V1BaseUri { get; }

    /// <summary>HTTPS base address of the v2 API, e.g. <c>https://127.0.0.1:41235/</c>.</summary>
    public Uri V2BaseUri { get; }

    /// <summary>PEM file of the CA that signed the device certificate: the one a client should trust.</summary>
    public string CaCertificatePath => _device.Certificates.CaCertificatePath;

    public X509Certificate2 CaCertificate => _device.Certificates.CaCertificate;

    /// <summary>The dongle's serial; its certificate's CN is <c>appliance/p1dongle/&lt;serial&gt;</c>.</summary>
    public string Serial => _device.Serial;

    /// <summary>Every telegram produced so far (bounded by <see cref="SimulatorOptions.MaxStoredReadings"/>), oldest first.</summary>
    public IReadOnlyList<Telegram> Readings => _device.Feed.Snapshot();

    /// <summary>The telegram the API currently serves.</summary>
    public Telegram LatestReading => _device.Feed.Latest!;

    public SimulatorFaults Faults => _device.Faults.Current;

    /// <summary>Every raw telegram sent so far (as the HTTP endpoint, the pty and TCP clients saw it), oldest first.</summary>
    public IReadOnlyList<RawTelegram> RawTelegrams => _device.RawFeed.Snapshot();

    /// <summary>The port of the raw telegram TCP stream (<see cref="SimulatorOptions.TelegramTcpPort"/>), once listening.</summary>
    public int? TelegramTcpPort => _device.TelegramTcpPort;

    /// <summary>Waits until the 0-0:98.1.0 history holds every month it should at the latest telegram.</summary>
    public Task WaitForPeakHistoryAsync(CancellationToken cancellationToken = default) =>
        _device.PeakMemory.WaitAsync(_device.Feed.Latest!.TsUtc, cancellationToken);

    public static async Task<SimulatorHost> StartAsync(SimulatorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = SimulatorOptionsValidator.Validate(options);
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid simulator options: " + string.Join(" ", errors), nameof(options));
        }

        SimulatorOptionsValidator.TryFindTimeZone(options.TimeZone, out var timeZone);
        string? owned = null;
        var stateDirectory = options.StateDirectory;
        if (stateDirectory is null)
        {
            stateDirectory = owned = Path.Combine(options.TemporaryStateRoot ?? Path.GetTempPath(), "p1-meter-simulator-" + Guid.NewGuid().ToString("N"));
        }

        // Certificates are checked by clients against their real clock, whatever clock drives the meter.
        var certificates = DeviceCertificates.LoadOrCreate(stateDirectory, options.Serial, TimeProvider.System.GetUtcNow());
        var device = new SimulatedDevice(options, timeZone, certificates, stateDirectory);
        var app = SimulatorApp.Build(device);
        try
        {
            await app.StartAsync(cancellationToken);
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
            var v1 = new Uri(addresses.Single(a => a.StartsWith("http://", StringComparison.Ordinal)) + "/");
            var v2 = new Uri(addresses.Single(a => a.StartsWith("https://", StringComparison.Ordinal)) + "/");
            return new SimulatorHost(app, device, v1, v2, owned);
        }
        catch
        {
            await app.DisposeAsync();
            certificates.Dispose();
            DeleteQuietly(owned);
            throw;
        }
    }

    /// <summary>Presses the pairing button: <c>POST /api/user</c> succeeds for the next 30 s.</summary>
    public void PressButton() => _device.Pairing.PressButton();

    /// <summary>Replaces the active faults (a glitch applies once, to the next telegram).</summary>
    public void SetFaults(SimulatorFaults faults)
    {
        ArgumentNullException.ThrowIfNull(faults);
        if (faults.Validate() is { } error)
        {
            throw new ArgumentException(error, nameof(faults));
        }

        _device.Faults.Set(faults);
    }

    /// <summary>A valid v2 token as if <paramref name="name"/> had paired (replacing any earlier token of that name).</summary>
    public string CreatePairedToken(string name = "local/test")
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return _device.Pairing.CreatePairedToken(name);
    }

    /// <summary>Waits for the next telegram the meter produces.</summary>
    public Task<Telegram> NextReadingAsync(CancellationToken cancellationToken = default) => _device.Feed.NextAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            try
            {
                await _app.StopAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                // Connections that would not close in time are dropped by the disposal below.
            }
        }

        await _app.DisposeAsync();
        _device.Certificates.Dispose();
        DeleteQuietly(_ownedStateDirectory);
    }

    private static void DeleteQuietly(string? directory)
    {
        if (directory is null)
        {
            return;
        }

        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
