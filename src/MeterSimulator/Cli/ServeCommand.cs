using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace P1Telemetry.MeterSimulator.Cli;

/// <summary><c>p1-meter-simulator [serve]</c>: runs the fake dongle until SIGINT/SIGTERM.</summary>
internal static partial class ServeCommand
{
    public static readonly IReadOnlySet<string> ValueOptions = new HashSet<string>(StringComparer.Ordinal)
    {
        "bind", "http-port", "https-port", "state-dir", "serial", "token", "seed", "telegram-interval-s", "speed",
        "start", "timezone", "latency-ms", "error-rate", "drop-rate", "glitch", "telegram-tcp-port", "serial-pty",
        "history-months", "bad-crc-rate", "truncated-rate",
    };

    public static readonly IReadOnlySet<string> Flags = new HashSet<string>(StringComparer.Ordinal)
    {
        "button-pressed", "no-belgian-fields", "api-disabled", "hang", "clock-stalled",
    };

    public const string Usage = """
        Usage: p1-meter-simulator [serve] [options]        (each option also reads SIM_<NAME>, e.g. SIM_HTTP_PORT)
          --bind ADDRESS              listen address (default 127.0.0.1)
          --http-port N               v1 API, plain HTTP (default 8080, 0 = random)
          --https-port N              v2 API, HTTPS (default 8443, 0 = random)
          --state-dir DIR             test CA and device certificate (default ./sim-state)
          --serial HEX12              dongle serial (default 5c2fafabcdef)
          --token HEX32               a v2 token valid from the start
          --seed N                    household profile seed (default 1)
          --telegram-interval-s N     meter seconds between telegrams: 1 (DSMR 5) or 10 (DSMR 4)
          --speed X                   meter seconds per real second (default 1)
          --start ISO-8601            meter clock at start (default now; no offset = meter-local time)
          --timezone ID               meter time zone (default Europe/Brussels)
          --button-pressed            pairing window open at start
          --no-belgian-fields         no average_power_15m_w / monthly peak
          --api-disabled              v1 answers 403 (error 202)
          --telegram-tcp-port N       also stream the raw P1 telegrams on this TCP port (0 = random)
          --serial-pty PATH           also write them into this pseudo-terminal (one end of a socat pty pair)
          --history-months N          months of 0-0:98.1.0 peak history in the telegram (default 13)
          --latency-ms N --error-rate F --drop-rate F --hang --glitch backwards|spike
          --bad-crc-rate F --truncated-rate F --clock-stalled
                                      faults (also settable at run time: PUT /sim/faults)
               p1-meter-simulator history --days N --out FILE [--seed N] [--end YYYY-MM-DD|INSTANT|now] [--interval-s 1]
                 (an instant ends the history where a meter started with --start INSTANT continues it)
        """;

    public static SimulatorOptions? Parse(IEnumerable<string> args, Func<string, string?> environment, List<string> errors)
    {
        var reader = new ArgumentReader(args, ValueOptions, Flags, environment, "SIM_");
        var timeZoneId = reader.GetString("timezone") ?? "Europe/Brussels";
        var glitchText = reader.GetString("glitch");
        RegisterGlitch? glitch = glitchText?.ToUpperInvariant() switch
        {
            null or "" or "NONE" => null,
            "BACKWARDS" => RegisterGlitch.Backwards,
            "SPIKE" => RegisterGlitch.Spike,
            _ => Invalid<RegisterGlitch?>(reader, $"{reader.Describe("glitch")} must be 'backwards' or 'spike', got '{glitchText}'."),
        };

        var options = new SimulatorOptions
        {
            Bind = reader.GetString("bind") ?? "127.0.0.1",
            HttpPort = reader.GetInt("http-port", 8080),
            HttpsPort = reader.GetInt("https-port", 8443),
            StateDirectory = Path.GetFullPath(reader.GetString("state-dir") ?? "sim-state"),
            Serial = reader.GetString("serial") ?? SimulatorOptions.DefaultSerial,
            Token = reader.GetString("token"),
            Seed = reader.GetInt("seed", 1),
            TelegramIntervalSeconds = reader.GetInt("telegram-interval-s", 1),
            Speed = reader.GetDouble("speed", 1),
            Start = ParseStart(reader, timeZoneId),
            TimeZone = timeZoneId,
            ButtonPressed = reader.GetFlag("button-pressed"),
            TelegramTcpPort = reader.GetString("telegram-tcp-port") is null ? null : reader.GetInt("telegram-tcp-port", 0),
            SerialPty = reader.GetString("serial-pty"),
            HistoryMonths = reader.GetInt("history-months", 13),
            ConsoleLogging = true,
            Faults = new SimulatorFaults
            {
                LatencyMs = reader.GetInt("latency-ms", 0),
                ErrorRate = reader.GetDouble("error-rate", 0),
                DropRate = reader.GetDouble("drop-rate", 0),
                Hang = reader.GetFlag("hang"),
                Glitch = glitch,
                ApiDisabled = reader.GetFlag("api-disabled"),
                BelgianFields = !reader.GetFlag("no-belgian-fields"),
                BadCrcRate = reader.GetDouble("bad-crc-rate", 0),
                TruncatedRate = reader.GetDouble("truncated-rate", 0),
                ClockStalled = reader.GetFlag("clock-stalled"),
            },
        };

        errors.AddRange(reader.Errors);
        if (reader.Errors.Count == 0)
        {
            errors.AddRange(SimulatorOptionsValidator.Validate(options));
        }

        return errors.Count == 0 ? options : null;
    }

    public static async Task<int> RunAsync(SimulatorOptions options, TextWriter output)
    {
        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.TrySetResult();
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

        await using var host = await SimulatorHost.StartAsync(options);
        await output.WriteLineAsync($"v1 {host.V1BaseUri.ToString().TrimEnd('/')}");
        await output.WriteLineAsync($"v2 {host.V2BaseUri.ToString().TrimEnd('/')}");
        await output.WriteLineAsync($"ca {host.CaCertificatePath}");
        await output.WriteLineAsync($"serial {host.Serial}");
        await output.FlushAsync();
        await stop.Task;
        return 0;
    }

    private static DateTimeOffset? ParseStart(ArgumentReader reader, string timeZoneId)
    {
        if (reader.GetString("start") is not { } text)
        {
            return null;
        }

        if (HasOffset().IsMatch(text))
        {
            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var withOffset))
            {
                return withOffset;
            }
        }
        else if (DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
            && SimulatorOptionsValidator.TryFindTimeZone(timeZoneId, out var zone))
        {
            var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
            return new DateTimeOffset(unspecified, zone.GetUtcOffset(unspecified));
        }

        return Invalid<DateTimeOffset?>(reader,
            $"{reader.Describe("start")} must be an ISO 8601 date-time such as 2026-03-29T00:00:00+01:00 or 2026-03-29T00:00:00 (meter-local), got '{text}'.");
    }

    private static T Invalid<T>(ArgumentReader reader, string message)
    {
        reader.Errors.Add(message);
        return default!;
    }

    [GeneratedRegex(@"(Z|[+-]\d\d:?\d\d)$", RegexOptions.IgnoreCase)]
    private static partial Regex HasOffset();
}
