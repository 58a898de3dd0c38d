using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace P1Telemetry.Edge.Configuration;

/// <summary>
/// Checks the settings before anything starts; every message names the environment variable to fix.
/// </summary>
public sealed partial class EdgeOptionsValidator : IValidateOptions<EdgeOptions>
{
    public ValidateOptionsResult Validate(string? name, EdgeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        ValidateMeter(options, errors);
        ValidateServer(options, errors);
        ValidateCommon(options, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Settings that every command reads (spool, intervals, limits).</summary>
    public static void ValidateCommon(EdgeOptions options, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(errors);
        Positive(options.PollIntervalSeconds, "POLL_INTERVAL_S", errors);
        Positive(options.UploadIntervalSeconds, "UPLOAD_INTERVAL_S", errors);
        Positive(options.BackoffBaseSeconds, "BACKOFF_BASE_S", errors);
        Positive(options.BackoffMaxSeconds, "BACKOFF_MAX_S", errors);
        Positive(options.HttpTimeoutSeconds, "HTTP_TIMEOUT_S", errors);
        Positive(options.MaxPowerW, "MAX_POWER_W", errors);
        if (options.LiveUploadDelaySeconds < 0 || !double.IsFinite(options.LiveUploadDelaySeconds))
        {
            errors.Add("LIVE_UPLOAD_DELAY_S must be a number of seconds >= 0.");
        }

        if (options.ShutdownFlushSeconds < 0 || !double.IsFinite(options.ShutdownFlushSeconds))
        {
            errors.Add("SHUTDOWN_FLUSH_S must be a number of seconds >= 0.");
        }

        if (options.BackoffMaxSeconds < options.BackoffBaseSeconds)
        {
            errors.Add("BACKOFF_MAX_S must be >= BACKOFF_BASE_S.");
        }

        if (options.SpoolDiskMinMegabytes < 0 || options.SpoolDiskWarnMegabytes < options.SpoolDiskMinMegabytes || options.SpoolDiskWarnMegabytes > 1_000_000_000)
        {
            errors.Add("SPOOL_DISK_WARN_MB and SPOOL_DISK_MIN_MB must be megabytes >= 0 with SPOOL_DISK_WARN_MB >= SPOOL_DISK_MIN_MB.");
        }

        if (options.BatchSize is < 1 or > 100_000)
        {
            errors.Add("BATCH_SIZE must be between 1 and 100000.");
        }

        if (string.IsNullOrWhiteSpace(options.SpoolPath))
        {
            errors.Add("SPOOL_PATH must name a file, e.g. ./data/spool.db.");
        }

        if (!string.IsNullOrWhiteSpace(options.DeviceId) && !DeviceIdPattern().IsMatch(options.DeviceId))
        {
            errors.Add("DEVICE_ID must be 1-64 characters of A-Z, a-z, 0-9, '.', '_' or '-'.");
        }

        try
        {
            _ = options.ResolveTimeZone();
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            errors.Add($"TIMEZONE '{options.TimeZone}' is not a known IANA time zone (e.g. Europe/Brussels).");
        }
    }

    /// <summary>Settings of the meter side (<c>HW_*</c>, <c>POLL_INTERVAL_S</c>).</summary>
    public static void ValidateMeter(EdgeOptions options, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(errors);
        var sources = options.ConfiguredSources();
        if (sources.Count != 1)
        {
            errors.Add(sources.Count == 0
                ? "Configure exactly one meter source: HW_P1_HOST (a HomeWizard dongle), P1_SERIAL_DEVICE (a P1 cable) or P1_TCP (host:port of a raw telegram stream); none is set."
                : $"Configure exactly one meter source among HW_P1_HOST, P1_SERIAL_DEVICE and P1_TCP; {string.Join(" and ", sources.Select(SettingOf))} are all set.");
            return;
        }

        switch (sources[0])
        {
            case MeterSource.Serial:
                P1PortSettings.ValidateSerial(options, errors);
                return;
            case MeterSource.Tcp:
                P1PortSettings.ValidateTcp(options, errors);
                return;
        }

        if (!MeterAddress.TryParse(options.MeterHost, out var address))
        {
            errors.Add("HW_P1_HOST must be set to the dongle's host, host:port or URL (e.g. 192.168.1.50).");
        }

        var version = options.ApiVersion.Trim().ToLowerInvariant();
        if (version is not ("auto" or "1" or "2" or "v1" or "v2"))
        {
            errors.Add("HW_API_VERSION must be auto, 1 or 2.");
        }

        if (options.Transport.Trim().ToLowerInvariant() is not ("auto" or "websocket" or "ws" or "poll" or "polling"))
        {
            errors.Add("HW_TRANSPORT must be auto, websocket or poll.");
        }

        var wantsV2 = options.ParsedApiVersion == MeterApiVersion.V2 || address?.Scheme == Uri.UriSchemeHttps;
        if (wantsV2 && string.IsNullOrWhiteSpace(options.MeterToken))
        {
            errors.Add("HW_P1_TOKEN is required for the v2 API: run 'p1-edge pair --host <dongle>' to get one.");
        }

        if (!string.IsNullOrWhiteSpace(options.MeterToken) && !TokenPattern().IsMatch(options.MeterToken))
        {
            errors.Add("HW_P1_TOKEN must be the token that 'p1-edge pair' printed (letters and digits only).");
        }

        FileExists(options.MeterCaFile, "HW_CA_FILE", errors);
    }

    /// <summary>Settings of the server side (<c>VPS_*</c>).</summary>
    public static void ValidateServer(EdgeOptions options, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrWhiteSpace(options.IngestUrl))
        {
            errors.Add("VPS_INGEST_URL must be set to the server's URL (https://example.org) or its ingest URL (https://example.org/v1/ingest).");
        }
        else if (!Uri.TryCreate(options.IngestUrl, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            errors.Add("VPS_INGEST_URL must be an https:// URL; plain http is refused because readings and the token would travel unencrypted.");
        }

        if (string.IsNullOrWhiteSpace(options.ServerToken))
        {
            errors.Add("VPS_TOKEN must be set to this device's bearer token on the server.");
        }

        FileExists(options.ServerCaFile, "VPS_CA_FILE", errors);
    }

    private static string SettingOf(MeterSource source) => source switch
    {
        MeterSource.Serial => "P1_SERIAL_DEVICE",
        MeterSource.Tcp => "P1_TCP",
        _ => "HW_P1_HOST",
    };

    private static void Positive(double value, string variable, List<string> errors)
    {
        if (!(value > 0) || !double.IsFinite(value))
        {
            errors.Add($"{variable} must be a positive number of {(variable.EndsWith("_W", StringComparison.Ordinal) ? "watts" : "seconds (fractions allowed)")}.");
        }
    }

    private static void FileExists(string? path, string variable, List<string> errors)
    {
        if (!string.IsNullOrWhiteSpace(path) && !File.Exists(path))
        {
            errors.Add($"{variable} names '{path}', which does not exist.");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex DeviceIdPattern();

    [GeneratedRegex("^[A-Za-z0-9]{1,256}$")]
    private static partial Regex TokenPattern();
}
