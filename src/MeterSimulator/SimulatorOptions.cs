namespace P1Telemetry.MeterSimulator;

/// <summary>
/// Everything the simulated dongle needs; mirrors the command line (<c>--http-port</c> → <see cref="HttpPort"/>,
/// …). Defaults suit tests: random ports, a temporary state directory.
/// </summary>
public sealed record SimulatorOptions
{
    public const string DefaultSerial = "5c2fafabcdef";

    /// <summary>Address both listeners bind to.</summary>
    public string Bind { get; init; } = "127.0.0.1";

    /// <summary>v1 (plain HTTP) port; 0 picks a free one.</summary>
    public int HttpPort { get; init; }

    /// <summary>v2 (HTTPS) port; 0 picks a free one.</summary>
    public int HttpsPort { get; init; }

    /// <summary>Where the test CA and the device certificate persist; null: a temporary directory removed on dispose.</summary>
    public string? StateDirectory { get; init; }

    /// <summary>Where that temporary directory is created when <see cref="StateDirectory"/> is null; null: the system temp directory.</summary>
    public string? TemporaryStateRoot { get; init; }

    /// <summary>The dongle's serial: 12 lowercase hex characters (its MAC address).</summary>
    public string Serial { get; init; } = DefaultSerial;

    /// <summary>A v2 token that is valid from the start, as if paired before (32 hex characters).</summary>
    public string? Token { get; init; }

    public int Seed { get; init; } = 1;

    /// <summary>Meter time between telegrams: 1 s (DSMR 5) or 10 s (DSMR 4).</summary>
    public int TelegramIntervalSeconds { get; init; } = 1;

    /// <summary>Meter seconds per real second: 10 makes a telegram every 0.1 s while the meter clock advances 1 s.</summary>
    public double Speed { get; init; } = 1;

    /// <summary>The meter's clock at start; null: now, according to <see cref="TimeProvider"/>.</summary>
    public DateTimeOffset? Start { get; init; }

    /// <summary>IANA time zone of the meter's local clock.</summary>
    public string TimeZone { get; init; } = "Europe/Brussels";

    /// <summary>The pairing window is open at start (as if the button was just pressed).</summary>
    public bool ButtonPressed { get; init; }

    /// <summary>How many months before the current one the meter's 0-0:98.1.0 peak history holds (real meters: 13).</summary>
    public int HistoryMonths { get; init; } = 13;

    /// <summary>Also serve the raw telegrams as a TCP stream on this port (0 = a free one); null: off.</summary>
    public int? TelegramTcpPort { get; init; }

    /// <summary>Also write the raw telegrams into this pseudo-terminal (the simulator's end of a pair); null: off.</summary>
    public string? SerialPty { get; init; }

    /// <summary>Faults active from the start; also carries <c>api_disabled</c> and <c>belgian_fields</c>.</summary>
    public SimulatorFaults Faults { get; init; } = new();

    /// <summary>Drives the meter clock, the telegram loop and the pairing window.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Write JSON logs to the console (the command line does; tests usually do not).</summary>
    public bool ConsoleLogging { get; init; }

    /// <summary>At most this many telegrams are kept for <c>/sim/readings</c>; the oldest go first.</summary>
    public int MaxStoredReadings { get; init; } = 1_000_000;
}
