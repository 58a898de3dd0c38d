using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace P1Telemetry.MeterSimulator;

/// <summary>Checks <see cref="SimulatorOptions"/>; each message names the command-line flag and its environment variable.</summary>
public static partial class SimulatorOptionsValidator
{
    public static IReadOnlyList<string> Validate(SimulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();

        if (!IPAddress.TryParse(options.Bind, out _) && options.Bind != "localhost")
        {
            errors.Add($"--bind (SIM_BIND) must be an IP address or 'localhost', got '{options.Bind}'.");
        }

        if (options.HttpPort is < 0 or > 65535)
        {
            errors.Add($"--http-port (SIM_HTTP_PORT) must be 0–65535, got {options.HttpPort}.");
        }

        if (options.HttpsPort is < 0 or > 65535)
        {
            errors.Add($"--https-port (SIM_HTTPS_PORT) must be 0–65535, got {options.HttpsPort}.");
        }

        if (options.HttpPort != 0 && options.HttpPort == options.HttpsPort)
        {
            errors.Add("--http-port (SIM_HTTP_PORT) and --https-port (SIM_HTTPS_PORT) must differ.");
        }

        if (options.TelegramTcpPort is < 0 or > 65535)
        {
            errors.Add($"--telegram-tcp-port (SIM_TELEGRAM_TCP_PORT) must be 0–65535, got {options.TelegramTcpPort}.");
        }

        if (options.HistoryMonths is < 0 or > 24)
        {
            errors.Add($"--history-months (SIM_HISTORY_MONTHS) must be 0–24, got {options.HistoryMonths}.");
        }

        if (options.SerialPty is { } pty && !File.Exists(pty))
        {
            errors.Add($"--serial-pty (SIM_SERIAL_PTY) names '{pty}', which does not exist: create the pair first, e.g. socat pty,raw,echo=0,link=/tmp/p1-meter pty,raw,echo=0,link=/tmp/p1-edge.");
        }

        if (!SerialPattern().IsMatch(options.Serial))
        {
            errors.Add($"--serial (SIM_SERIAL) must be 12 lowercase hex characters, got '{options.Serial}'.");
        }

        if (options.Token is not null && !TokenPattern().IsMatch(options.Token))
        {
            errors.Add("--token (SIM_TOKEN) must be 32 hex characters, like the tokens the dongle hands out.");
        }

        if (options.TelegramIntervalSeconds is < 1 or > 60 || 900 % options.TelegramIntervalSeconds != 0)
        {
            errors.Add("--telegram-interval-s (SIM_TELEGRAM_INTERVAL_S) must divide 15 minutes and be 1–60 (1 or 10 like real meters), "
                + $"got {options.TelegramIntervalSeconds.ToString(CultureInfo.InvariantCulture)}.");
        }

        if (!(options.Speed is > 0 and <= 100_000))
        {
            errors.Add($"--speed (SIM_SPEED) must be greater than 0 and at most 100000, got {options.Speed.ToString(CultureInfo.InvariantCulture)}.");
        }

        if (!TryFindTimeZone(options.TimeZone, out _))
        {
            errors.Add($"--timezone (SIM_TIMEZONE) '{options.TimeZone}' is not a known time zone (use an IANA name such as Europe/Brussels).");
        }

        if (options.MaxStoredReadings < 1)
        {
            errors.Add("MaxStoredReadings must be at least 1.");
        }

        if (options.Faults.Validate() is { } faultError)
        {
            errors.Add($"Faults: {faultError}");
        }

        return errors;
    }

    public static bool TryFindTimeZone(string id, out TimeZoneInfo timeZone)
    {
        try
        {
            timeZone = TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            timeZone = TimeZoneInfo.Utc;
            return false;
        }
    }

    [GeneratedRegex("^[0-9a-f]{12}$")]
    private static partial Regex SerialPattern();

    [GeneratedRegex("^[0-9A-Fa-f]{32}$")]
    private static partial Regex TokenPattern();
}
