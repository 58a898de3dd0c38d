using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace P1Telemetry.MeterSimulator.Cli;

/// <summary><c>p1-meter-simulator [serve]</c>: runs the fake dongle until SIGINT/SIGTERM.</summary>
internal static partial class ServeCommand
{
    /// <summary>The options of <c>serve</c> (also those of the bare command, where serve is the default).</summary>
    public static CommandOptions Options() => new CommandOptions()
        .Value("bind", "ADDRESS", "listen address (default 127.0.0.1)")
        .Value("http-port", "N", "v1 API, plain HTTP (default 8080, 0 = random)")
        .Value("https-port", "N", "v2 API, HTTPS (default 8443, 0 = random)")
        .Value("state-dir", "DIR", "test CA and device certificate (default ./sim-state)")
        .Value("serial", "HEX12", "dongle serial (default 5c2fafabcdef)")
        .Value("token", "HEX32", "a v2 token valid from the start")
        .Value("seed", "N", "household profile seed (default 1)")
        .Value("telegram-interval-s", "N", "meter seconds between telegrams: 1 (DSMR 5) or 10 (DSMR 4)")
        .Value("speed", "X", "meter seconds per real second (default 1)")
        .Value("start", "ISO-8601", "meter clock at start (default now; no offset = meter-local time)")
        .Value("timezone", "ID", "meter time zone (default Europe/Brussels)")
        .Flag("button-pressed", "pairing window open at start")
        .Flag("no-belgian-fields", "no average_power_15m_w / monthly peak")
        .Flag("api-disabled", "v1 answers 403 (error 202)")
        .Value("telegram-tcp-port", "N", "also stream the raw P1 telegrams on this TCP port (0 = random)")
        .Value("serial-pty", "PATH", "also write them into this pseudo-terminal (one end of a socat pty pair)")
        .Value("history-months", "N", "months of 0-0:98.1.0 peak history in the telegram (default 13)")
        .Value("latency-ms", "N", "fault: delay of every answer")
        .Value("error-rate", "F", "fault: share of answers that are errors")
        .Value("drop-rate", "F", "fault: share of connections dropped")
        .Flag("hang", "fault: never answer")
        .Value("glitch", "backwards|spike", "fault: a register glitch")
        .Value("bad-crc-rate", "F", "fault: share of telegrams with a bad CRC")
        .Value("truncated-rate", "F", "fault: share of truncated telegrams")
        .Flag("clock-stalled", "fault: the meter's clock stops (faults are also settable at run time: PUT /sim/faults)");

    /// <summary>Reads the serve options from <paramref name="args"/> and the <c>SIM_*</c> variables.</summary>
    public static SimulatorOptions? Parse(IEnumerable<string> args, Func<string, string?> environment, List<string> errors)
    {
        var command = new RootCommand();
        var options = Options();
        options.AddTo(command);
        return Read(command.Parse(args.ToArray()), options, environment, errors);
    }

    public static SimulatorOptions? Read(ParseResult parse, CommandOptions definition, Func<string, string?> environment, List<string> errors)
    {
        var reader = new ArgumentReader(parse, definition, environment, "SIM_");
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
