using P1Telemetry.MeterSimulator.Cli;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.MeterSimulator.Tests;

/// <summary>The serve command's options: flags, <c>SIM_*</c> variables, validation messages that name both.</summary>
public sealed class CommandLineTests
{
    private static (SimulatorOptions? Options, List<string> Errors) Parse(string[] args, Dictionary<string, string>? environment = null)
    {
        var errors = new List<string>();
        var options = ServeCommand.Parse(args, name => environment?.GetValueOrDefault(name), errors);
        return (options, errors);
    }

    [Fact]
    public void Defaults_follow_the_contract()
    {
        var (options, errors) = Parse([]);

        Assert.Empty(errors);
        Assert.Equal("127.0.0.1", options!.Bind);
        Assert.Equal(8080, options.HttpPort);
        Assert.Equal(8443, options.HttpsPort);
        Assert.Equal(Path.GetFullPath("sim-state"), options.StateDirectory);
        Assert.Equal("5c2fafabcdef", options.Serial);
        Assert.Equal(1, options.TelegramIntervalSeconds);
        Assert.Equal(1.0, options.Speed);
        Assert.Null(options.Start);
        Assert.Equal("Europe/Brussels", options.TimeZone);
        Assert.True(options.Faults.BelgianFields);
        Assert.False(options.Faults.ApiDisabled);
    }

    [Fact]
    public void Environment_variables_set_options_and_flags_override_them()
    {
        var environment = new Dictionary<string, string>
        {
            ["SIM_HTTP_PORT"] = "0",
            ["SIM_HTTPS_PORT"] = "9443",
            ["SIM_SPEED"] = "10",
            ["SIM_BUTTON_PRESSED"] = "true",
            ["SIM_GLITCH"] = "spike",
            ["SIM_NO_BELGIAN_FIELDS"] = "1",
        };
        var (options, errors) = Parse(["--https-port", "0", "--telegram-interval-s=10", "--api-disabled", "--error-rate", "0.25"], environment);

        Assert.Empty(errors);
        Assert.Equal(0, options!.HttpPort);
        Assert.Equal(0, options.HttpsPort);
        Assert.Equal(10, options.Speed);
        Assert.Equal(10, options.TelegramIntervalSeconds);
        Assert.True(options.ButtonPressed);
        Assert.Equal(RegisterGlitch.Spike, options.Faults.Glitch);
        Assert.False(options.Faults.BelgianFields);
        Assert.True(options.Faults.ApiDisabled);
        Assert.Equal(0.25, options.Faults.ErrorRate);
    }

    [Fact]
    public void A_start_without_offset_is_meter_local_time()
    {
        var (local, _) = Parse(["--start", "2026-07-01T12:00:00"]);
        var (utc, _) = Parse(["--start", "2026-07-01T12:00:00Z"]);

        Assert.Equal(new DateTimeOffset(2026, 7, 1, 10, 0, 0, TimeSpan.Zero), local!.Start);
        Assert.Equal(new DateTimeOffset(2026, 7, 1, 12, 0, 0, TimeSpan.Zero), utc!.Start);
    }

    [Theory]
    [InlineData(new[] { "--serial", "XYZ" }, "--serial (SIM_SERIAL)")]
    [InlineData(new[] { "--speed", "0" }, "--speed (SIM_SPEED)")]
    [InlineData(new[] { "--http-port", "abc" }, "--http-port (SIM_HTTP_PORT) must be a whole number")]
    [InlineData(new[] { "--https-port", "70000" }, "--https-port (SIM_HTTPS_PORT)")]
    [InlineData(new[] { "--telegram-interval-s", "7" }, "--telegram-interval-s (SIM_TELEGRAM_INTERVAL_S)")]
    [InlineData(new[] { "--token", "short" }, "--token (SIM_TOKEN)")]
    [InlineData(new[] { "--timezone", "Mars/Olympus" }, "--timezone (SIM_TIMEZONE)")]
    [InlineData(new[] { "--start", "yesterday" }, "--start (SIM_START)")]
    [InlineData(new[] { "--glitch", "sideways" }, "--glitch (SIM_GLITCH)")]
    [InlineData(new[] { "--error-rate", "1.5" }, "error_rate")]
    [InlineData(new[] { "--bogus" }, "Unknown option '--bogus'")]
    [InlineData(new[] { "--seed" }, "--seed needs a value")]
    public void Invalid_options_are_reported_by_name(string[] args, string message)
    {
        var (options, errors) = Parse(args);

        Assert.Null(options);
        Assert.Contains(errors, e => e.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Invalid_environment_values_name_the_variable()
    {
        var (options, errors) = Parse([], new Dictionary<string, string> { ["SIM_SEED"] = "many" });

        Assert.Null(options);
        Assert.Contains(errors, e => e.Contains("SIM_SEED", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Help_lists_the_commands_and_every_option_and_exits_0()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = await SimulatorCommandLine.RunAsync(["--help"], output, error);

        Assert.Equal(0, exitCode);
        foreach (var name in new[] { "serve", "history", "--http-port", "--telegram-tcp-port", "--serial-pty", "--no-belgian-fields", "--clock-stalled", "SIM_" })
        {
            Assert.Contains(name, output.ToString(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(new[] { "--bogus" }, "Unknown option '--bogus'")]
    [InlineData(new[] { "serve", "--http-port", "abc" }, "--http-port (SIM_HTTP_PORT) must be a whole number")]
    [InlineData(new[] { "history", "--days", "0", "--out", "-" }, "--days must be a whole number of days")]
    [InlineData(new[] { "--seed", "1", "--seed", "2" }, "--seed")]
    public async Task A_bad_command_line_exits_2_and_says_what_is_wrong(string[] args, string message)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = await SimulatorCommandLine.RunAsync(args, output, error);

        Assert.Equal(2, exitCode);
        Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_executable_prints_its_endpoints_serves_and_exits_0_on_SIGTERM()
    {
        var stateDirectory = TestRunDirectory.NewPath("sim-cli");
        var command = BuiltPrograms.CommandLine(BuiltPrograms.Simulator());
        await using var simulator = new ChildProcess(command[0], [.. command[1..], "--http-port", "0", "--https-port", "0", "--state-dir", stateDirectory, "--serial", "0123456789ab"]);
        try
        {
            await simulator.Start().WaitUntilReadyAsync(_ => Task.FromResult(Endpoints(simulator.StandardOutput).ContainsKey("serial")), "printing its endpoints", TimeSpan.FromSeconds(60));
            var lines = Endpoints(simulator.StandardOutput);

            Assert.StartsWith("http://127.0.0.1:", lines["v1"], StringComparison.Ordinal);
            Assert.StartsWith("https://127.0.0.1:", lines["v2"], StringComparison.Ordinal);
            Assert.Equal(Path.Combine(stateDirectory, "simulator-ca.pem"), lines["ca"]);
            Assert.True(File.Exists(lines["ca"]));
            Assert.Equal("0123456789ab", lines["serial"]);

            using var client = new HttpClient();
            var info = await client.GetStringAsync(new Uri(lines["v1"] + "/api"));
            Assert.Contains("\"serial\":\"0123456789ab\"", info, StringComparison.Ordinal);

            Assert.Equal(0, await simulator.StopAsync(TimeSpan.FromSeconds(60)));
        }
        finally
        {
            await simulator.KillAsync();
            Directory.Delete(stateDirectory, recursive: true);
        }
    }

    /// <summary>The "key value" lines the executable prints at start-up: its endpoints, CA file and serial.</summary>
    private static Dictionary<string, string> Endpoints(string output) =>
        output.Split('\n', StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' ', 2))
            .Where(parts => parts is [("v1" or "v2" or "ca" or "serial"), _])
            .GroupBy(parts => parts[0])
            .ToDictionary(group => group.Key, group => group.First()[1]);
}
