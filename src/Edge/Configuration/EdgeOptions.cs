using Microsoft.Extensions.Configuration;

namespace P1Telemetry.Edge.Configuration;

/// <summary>The edge daemon's settings, bound from environment variables of the same names.</summary>
public sealed class EdgeOptions
{
    [ConfigurationKeyName("HW_P1_HOST")]
    public string? MeterHost { get; set; }

    [ConfigurationKeyName("HW_P1_TOKEN")]
    public string? MeterToken { get; set; }

    [ConfigurationKeyName("HW_API_VERSION")]
    public string ApiVersion { get; set; } = "auto";

    [ConfigurationKeyName("HW_TRANSPORT")]
    public string Transport { get; set; } = "auto";

    [ConfigurationKeyName("HW_CA_FILE")]
    public string? MeterCaFile { get; set; }

    /// <summary>A P1 cable's serial device, e.g. <c>/dev/ttyUSB0</c>.</summary>
    [ConfigurationKeyName("P1_SERIAL_DEVICE")]
    public string? SerialDevice { get; set; }

    [ConfigurationKeyName("P1_SERIAL_BAUD")]
    public int SerialBaud { get; set; } = 115200;

    /// <summary><c>8N1</c> (DSMR 4+) or <c>7E1</c> (DSMR 2.2/3).</summary>
    [ConfigurationKeyName("P1_SERIAL_FORMAT")]
    public string SerialFormat { get; set; } = "8N1";

    /// <summary><c>host:port</c> of a raw telegram stream (ser2net and the like).</summary>
    [ConfigurationKeyName("P1_TCP")]
    public string? TcpEndpoint { get; set; }

    [ConfigurationKeyName("TIMEZONE")]
    public string TimeZone { get; set; } = Contracts.Domain.MeterLocalTime.DefaultTimeZoneId;

    [ConfigurationKeyName("DEVICE_ID")]
    public string? DeviceId { get; set; }

    [ConfigurationKeyName("VPS_INGEST_URL")]
    public string? IngestUrl { get; set; }

    [ConfigurationKeyName("VPS_TOKEN")]
    public string? ServerToken { get; set; }

    [ConfigurationKeyName("VPS_CA_FILE")]
    public string? ServerCaFile { get; set; }

    [ConfigurationKeyName("POLL_INTERVAL_S")]
    public double PollIntervalSeconds { get; set; } = 1;

    [ConfigurationKeyName("UPLOAD_INTERVAL_S")]
    public double UploadIntervalSeconds { get; set; } = 5;

    /// <summary>
    /// How long after a reading from the meter was spooled the uploader sends what waits, instead of waiting out
    /// <c>UPLOAD_INTERVAL_S</c>: 0 sends at once, so a live dashboard follows the meter within a second; a value
    /// of at least <c>UPLOAD_INTERVAL_S</c> uploads only every <c>UPLOAD_INTERVAL_S</c>.
    /// </summary>
    [ConfigurationKeyName("LIVE_UPLOAD_DELAY_S")]
    public double LiveUploadDelaySeconds { get; set; }

    [ConfigurationKeyName("BATCH_SIZE")]
    public int BatchSize { get; set; } = 5000;

    [ConfigurationKeyName("SPOOL_PATH")]
    public string SpoolPath { get; set; } = "./data/spool.db";

    [ConfigurationKeyName("HEALTH_PATH")]
    public string? HealthPath { get; set; }

    [ConfigurationKeyName("BACKOFF_BASE_S")]
    public double BackoffBaseSeconds { get; set; } = 1;

    [ConfigurationKeyName("BACKOFF_MAX_S")]
    public double BackoffMaxSeconds { get; set; } = 300;

    [ConfigurationKeyName("HTTP_TIMEOUT_S")]
    public double HttpTimeoutSeconds { get; set; } = 10;

    [ConfigurationKeyName("MAX_POWER_W")]
    public double MaxPowerW { get; set; } = 60000;

    [ConfigurationKeyName("SHUTDOWN_FLUSH_S")]
    public double ShutdownFlushSeconds { get; set; } = 10;

    [ConfigurationKeyName("SPOOL_DISK_WARN_MB")]
    public long SpoolDiskWarnMegabytes { get; set; } = Health.HealthThresholds.DefaultDiskWarnMegabytes;

    [ConfigurationKeyName("SPOOL_DISK_MIN_MB")]
    public long SpoolDiskMinMegabytes { get; set; } = Health.HealthThresholds.DefaultDiskMinMegabytes;

    public Health.HealthThresholds HealthThresholds => Health.HealthThresholds.FromMegabytes(SpoolDiskWarnMegabytes, SpoolDiskMinMegabytes);

    /// <summary>
    /// Where batches are posted: <c>VPS_INGEST_URL</c> as given, or, for a URL without a path (the server's base
    /// URL, as the original design configured it), <c>/v1/ingest</c> under it.
    /// </summary>
    public Uri? IngestUri => ResolveIngestUri(IngestUrl);

    public static Uri? ResolveIngestUri(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || !Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri))
        {
            return null;
        }

        return uri.AbsolutePath is "" or "/" ? new UriBuilder(uri) { Path = "/v1/ingest" }.Uri : uri;
    }

    public TimeSpan PollInterval => TimeSpan.FromSeconds(PollIntervalSeconds);

    public TimeSpan UploadInterval => TimeSpan.FromSeconds(UploadIntervalSeconds);

    public TimeSpan LiveUploadDelay => TimeSpan.FromSeconds(LiveUploadDelaySeconds);

    public TimeSpan BackoffBase => TimeSpan.FromSeconds(BackoffBaseSeconds);

    public TimeSpan BackoffMax => TimeSpan.FromSeconds(BackoffMaxSeconds);

    public TimeSpan HttpTimeout => TimeSpan.FromSeconds(HttpTimeoutSeconds);

    public TimeSpan ShutdownFlush => TimeSpan.FromSeconds(ShutdownFlushSeconds);

    /// <summary><c>HEALTH_PATH</c>, defaulting to <c>health.json</c> next to the spool.</summary>
    public string EffectiveHealthPath =>
        string.IsNullOrWhiteSpace(HealthPath)
            ? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(SpoolPath)) ?? ".", "health.json")
            : HealthPath;

    public MeterApiVersion ParsedApiVersion => ApiVersion.Trim().ToLowerInvariant() switch
    {
        "1" or "v1" => MeterApiVersion.V1,
        "2" or "v2" => MeterApiVersion.V2,
        _ => MeterApiVersion.Auto,
    };

    public MeterTransport ParsedTransport => Transport.Trim().ToLowerInvariant() switch
    {
        "websocket" or "ws" => MeterTransport.WebSocket,
        "poll" or "polling" => MeterTransport.Poll,
        _ => MeterTransport.Auto,
    };

    /// <summary>Which meter source is configured; <see cref="MeterSource.None"/> or several are configuration errors.</summary>
    public MeterSource Source
    {
        get
        {
            var configured = ConfiguredSources();
            return configured.Count == 1 ? configured[0] : MeterSource.None;
        }
    }

    public List<MeterSource> ConfiguredSources()
    {
        var sources = new List<MeterSource>(3);
        if (!string.IsNullOrWhiteSpace(MeterHost))
        {
            sources.Add(MeterSource.HomeWizard);
        }

        if (!string.IsNullOrWhiteSpace(SerialDevice))
        {
            sources.Add(MeterSource.Serial);
        }

        if (!string.IsNullOrWhiteSpace(TcpEndpoint))
        {
            sources.Add(MeterSource.Tcp);
        }

        return sources;
    }

    /// <summary>The source as health and logs name it.</summary>
    public string SourceDescription => Source switch
    {
        MeterSource.Serial => $"serial {SerialDevice!.Trim()} ({SerialBaud} {SerialFormat.Trim().ToUpperInvariant()})",
        MeterSource.Tcp => $"tcp {TcpEndpoint!.Trim()}",
        MeterSource.HomeWizard => $"homewizard {MeterHost!.Trim()}",
        _ => "none",
    };

    public TimeZoneInfo ResolveTimeZone() => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
}

public enum MeterSource
{
    None,
    HomeWizard,
    Serial,
    Tcp,
}

public enum MeterApiVersion
{
    Auto,
    V1,
    V2,
}

public enum MeterTransport
{
    Auto,
    WebSocket,
    Poll,
}
