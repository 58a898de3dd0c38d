using P1Telemetry.MeterSimulator.Tls;

namespace P1Telemetry.MeterSimulator.Device;

/// <summary>The state of one simulated dongle, shared by its endpoints and its meter clock.</summary>
internal sealed class SimulatedDevice
{
    public SimulatedDevice(SimulatorOptions options, TimeZoneInfo timeZone, DeviceCertificates certificates, string stateDirectory)
    {
        Options = options;
        StateDirectory = stateDirectory;
        TimeZone = timeZone;
        Certificates = certificates;
        Feed = new TelegramFeed(options.MaxStoredReadings);
        Faults = new FaultState(options.Faults);
        PeakMemory = new MeterPeakMemory(this);
        RawFeed = new RawTelegramFeed(this, options.MaxStoredReadings);
        if (options.TelegramTcpPort is not null || options.SerialPty is not null)
        {
            PeakMemory.Want();
        }
        Pairing = new PairingService(options.TimeProvider);
        StartedAt = options.TimeProvider.GetTimestamp();
        if (options.Token is not null)
        {
            Pairing.AddToken("local/preconfigured", options.Token);
        }

        if (options.ButtonPressed)
        {
            Pairing.PressButton();
        }
    }

    public SimulatorOptions Options { get; }

    public string StateDirectory { get; }

    public TimeZoneInfo TimeZone { get; }

    public DeviceCertificates Certificates { get; }

    public TelegramFeed Feed { get; }

    public FaultState Faults { get; }

    public MeterPeakMemory PeakMemory { get; }

    public RawTelegramFeed RawFeed { get; }

    /// <summary>The port of the raw telegram stream once it listens.</summary>
    public int? TelegramTcpPort { get; set; }

    public PairingService Pairing { get; }

    public long StartedAt { get; }

    public string Serial => Options.Serial;

    public TimeSpan Uptime => Options.TimeProvider.GetElapsedTime(StartedAt);
}
