using System.Globalization;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.EndToEnd.Tests.Deployment;

/// <summary>
/// The compose files are validated by docker-compose itself (no engine is needed for <c>config</c>), with the
/// documented <c>.env.example</c> as their environment, then their resolved form is checked for the
/// deployment rules.
/// </summary>
public sealed class ComposeFileTests
{
    public static TheoryData<string> ComposeFiles => new() { "docker-compose.vps.yml", "docker-compose.edge.yml" };

    [Theory]
    [MemberData(nameof(ComposeFiles))]
    public async Task Compose_file_is_valid_with_the_example_environment(string file)
    {
        var result = await ComposeConfigAsync(file, RepositoryRoot.Combine(".env.example"), quiet: true);

        Assert.True(result.ExitCode == 0, $"docker-compose config -q failed for {file}:\n{result.Output}");
    }

    [Theory]
    [InlineData("docker-compose.vps.yml", "POSTGRES_PASSWORD")]
    [InlineData("docker-compose.vps.yml", "P1_DOMAIN")]
    [InlineData("docker-compose.edge.yml", "VPS_INGEST_URL")]
    [InlineData("docker-compose.edge.yml", "VPS_TOKEN")]
    public async Task Missing_required_variable_is_refused_by_name(string file, string variable)
    {
        var envFile = Path.Combine(ScratchDirectory(), "partial.env");
        var lines = (await File.ReadAllLinesAsync(RepositoryRoot.Combine(".env.example")))
            .Where(line => !line.StartsWith(variable + "=", StringComparison.Ordinal));
        await File.WriteAllLinesAsync(envFile, lines);

        var result = await ComposeConfigAsync(file, envFile, quiet: true);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(variable, result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_edge_on_a_serial_p1_cable_gets_the_device_and_every_p1_port_setting()
    {
        var envFile = Path.Combine(ScratchDirectory(), "serial.env");
        var lines = (await File.ReadAllLinesAsync(RepositoryRoot.Combine(".env.example")))
            .Select(line => line.StartsWith("HW_P1_HOST=", StringComparison.Ordinal) ? "HW_P1_HOST="
                : line.StartsWith("P1_SERIAL_DEVICE=", StringComparison.Ordinal) ? "P1_SERIAL_DEVICE=/dev/ttyUSB0" : line);
        await File.WriteAllLinesAsync(envFile, lines);
        string[] files = ["docker-compose.edge.yml", "docker-compose.edge.serial.yml"];

        var result = await ComposeConfigAsync(files, envFile, quiet: false);

        Assert.True(result.ExitCode == 0, result.Output);
        var edge = ResolvedServices(result.StandardOutput)["edge"];
        Assert.Contains("/dev/ttyUSB0:/dev/ttyUSB0", edge, StringComparison.Ordinal);
        foreach (var setting in new[] { "P1_SERIAL_DEVICE: /dev/ttyUSB0", "P1_SERIAL_BAUD: '115200'", "P1_SERIAL_FORMAT: 8N1", "P1_TCP:" })
        {
            Assert.Contains(setting, edge, StringComparison.Ordinal);
        }

        var withoutDevice = Path.Combine(ScratchDirectory(), "no-device.env");
        await File.WriteAllLinesAsync(withoutDevice, (await File.ReadAllLinesAsync(envFile)).Where(l => !l.StartsWith("P1_SERIAL_DEVICE=", StringComparison.Ordinal)));
        var refused = await ComposeConfigAsync(files, withoutDevice, quiet: true);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("P1_SERIAL_DEVICE", refused.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Vps_only_caddy_publishes_ports_and_the_api_waits_for_migrations()
    {
        var result = await ComposeConfigAsync("docker-compose.vps.yml", RepositoryRoot.Combine(".env.example"), quiet: false);
        Assert.True(result.ExitCode == 0, result.Output);
        var services = ResolvedServices(result.StandardOutput);

        Assert.Equal(["api", "caddy", "db", "grafana", "grafana-login", "migrate", "redis"], services.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, block) in services)
        {
            var publishes = block.Contains("\n    ports:", StringComparison.Ordinal);
            Assert.True(publishes == (name is "caddy" or "grafana"), $"service {name} publishes ports: {publishes}");
            Assert.Contains("\n    healthcheck:", block, StringComparison.Ordinal);
        }

        // Grafana is optional and reachable from the host itself only.
        Assert.Matches(@"profiles:\s+- grafana", services["grafana"]);
        Assert.Matches(@"profiles:\s+- grafana", services["grafana-login"]);
        Assert.Matches(@"ports:\s+- 127\.0\.0\.1:3000:3000", services["grafana"]);
        Assert.Contains("grafana/grafana-oss:", services["grafana"], StringComparison.Ordinal);
        Assert.Matches(@"migrate:\s+condition: service_completed_successfully", services["grafana-login"]);

        Assert.Contains("published: 443", services["caddy"], StringComparison.Ordinal);
        Assert.Matches(@"migrate:\s+condition: service_completed_successfully", services["api"]);
        Assert.Matches(@"db:\s+condition: service_healthy", services["migrate"]);
        Assert.Matches(@"command:\s+- migrate", services["migrate"]);
        Assert.Contains("timescale/timescaledb", services["db"], StringComparison.Ordinal);
        Assert.Contains("-pg17", services["db"], StringComparison.Ordinal);
        Assert.Contains("DATABASE_URL: postgresql://", services["api"], StringComparison.Ordinal);
        Assert.Contains("REDIS_URL:", services["api"], StringComparison.Ordinal);
        Assert.Contains("restart: unless-stopped", services["api"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Vps_timescaledb_has_the_fix_for_inserts_into_compressed_chunks()
    {
        var result = await ComposeConfigAsync("docker-compose.vps.yml", RepositoryRoot.Combine(".env.example"), quiet: false);
        Assert.True(result.ExitCode == 0, result.Output);

        // Before 2.18.1 an INSERT ... ON CONFLICT DO NOTHING that met a row in a compressed chunk skipped the rest.
        var image = System.Text.RegularExpressions.Regex.Match(ResolvedServices(result.StandardOutput)["db"], @"image: timescale/timescaledb:(\d+)\.(\d+)\.(\d+)-pg(\d+)");
        Assert.True(image.Success, "the db service must pin a timescale/timescaledb:X.Y.Z-pgNN image");
        var version = new Version(int.Parse(image.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(image.Groups[2].Value, CultureInfo.InvariantCulture),
            int.Parse(image.Groups[3].Value, CultureInfo.InvariantCulture));
        Assert.True(version >= new Version(2, 18, 1), $"timescaledb {version} lacks the fix");
    }

    [Fact]
    public async Task Vps_rotates_the_log_of_every_container()
    {
        var result = await ComposeConfigAsync("docker-compose.vps.yml", RepositoryRoot.Combine(".env.example"), quiet: false);
        Assert.True(result.ExitCode == 0, result.Output);

        foreach (var (name, block) in ResolvedServices(result.StandardOutput))
        {
            Assert.True(System.Text.RegularExpressions.Regex.IsMatch(block, @"logging:\s+driver: json-file\s+options:\s+max-file: '?\d+'?\s+max-size: '?\d+[kmg]'?"),
                $"service {name} does not rotate its log (json-file with max-size and max-file):{block}");
        }
    }

    [Fact]
    public async Task Edge_keeps_its_spool_on_a_volume_restarts_and_checks_its_own_health()
    {
        var result = await ComposeConfigAsync("docker-compose.edge.yml", RepositoryRoot.Combine(".env.example"), quiet: false);
        Assert.True(result.ExitCode == 0, result.Output);
        var edge = ResolvedServices(result.StandardOutput)["edge"];

        Assert.Contains("restart: always", edge, StringComparison.Ordinal);
        Assert.Contains("SPOOL_PATH: /data/spool.db", edge, StringComparison.Ordinal);
        Assert.Matches(@"- edge-spool:/data", edge);
        Assert.Matches(@"test:\s+- CMD\s+- /app/p1-edge\s+- health", edge);
        Assert.Contains("stop_signal: SIGTERM", edge, StringComparison.Ordinal);
        Assert.DoesNotContain("\n    ports:", edge, StringComparison.Ordinal);
    }

    internal static Task<CommandResult> ComposeConfigAsync(string file, string envFile, bool quiet) =>
        ComposeConfigAsync([file], envFile, quiet);

    internal static Task<CommandResult> ComposeConfigAsync(string[] files, string envFile, bool quiet)
    {
        List<string> arguments = ["--env-file", envFile];
        foreach (var file in files)
        {
            arguments.AddRange(["-f", RepositoryRoot.Combine("deploy", file)]);
        }

        arguments.Add("config");
        if (quiet)
        {
            arguments.Add("-q");
        }

        // Only the env file may supply values: variables of the test process must not mask a missing one.
        var environment = File.ReadAllLines(RepositoryRoot.Combine(".env.example"))
            .Where(line => line.Contains('=', StringComparison.Ordinal) && !line.StartsWith('#'))
            .Select(line => line[..line.IndexOf('=', StringComparison.Ordinal)])
            .ToDictionary(name => name, string? (_) => null);
        return CommandRunner.RunAsync("docker-compose", arguments, RepositoryRoot.Path, environment);
    }

    /// <summary>Splits the resolved YAML of <c>docker-compose config</c> into one text block per service.</summary>
    private static Dictionary<string, string> ResolvedServices(string yaml)
    {
        var services = new Dictionary<string, string>(StringComparer.Ordinal);
        var inServices = false;
        string? current = null;
        var block = new System.Text.StringBuilder();
        foreach (var line in yaml.Split('\n'))
        {
            if (!line.StartsWith(' ') && line.Length > 0)
            {
                Flush();
                inServices = line.StartsWith("services:", StringComparison.Ordinal);
                continue;
            }

            if (inServices && line.StartsWith("  ", StringComparison.Ordinal) && !line.StartsWith("   ", StringComparison.Ordinal))
            {
                Flush();
                current = line.Trim().TrimEnd(':');
                continue;
            }

            block.Append('\n').Append(line);
        }

        Flush();
        return services;

        void Flush()
        {
            if (current is not null)
            {
                services[current] = block.ToString();
            }

            current = null;
            block.Clear();
        }
    }

    private static string ScratchDirectory()
    {
        var path = TestRunDirectory.NewPath("compose");
        Directory.CreateDirectory(path);
        return path;
    }
}
