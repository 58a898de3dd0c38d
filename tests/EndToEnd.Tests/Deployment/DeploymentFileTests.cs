using System.Text.RegularExpressions;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.EndToEnd.Tests.Deployment;

/// <summary>Rules for the Dockerfiles, the Caddyfile, the systemd unit and <c>.env.example</c>.</summary>
public sealed partial class DeploymentFileTests
{
    /// <summary>Every variable of the edge and server configuration contract.</summary>
    private static readonly string[] _contractVariables =
    [
        "HW_P1_HOST", "HW_P1_TOKEN", "HW_API_VERSION", "HW_CA_FILE", "HW_TRANSPORT", "DEVICE_ID", "VPS_INGEST_URL",
        "VPS_TOKEN", "VPS_CA_FILE", "POLL_INTERVAL_S", "UPLOAD_INTERVAL_S", "BATCH_SIZE", "SPOOL_PATH", "HEALTH_PATH",
        "BACKOFF_BASE_S", "BACKOFF_MAX_S", "HTTP_TIMEOUT_S", "MAX_POWER_W", "SHUTDOWN_FLUSH_S", "LOG_LEVEL",
        "DATABASE_URL", "DATA_DIR", "REDIS_URL", "DEVICE_TOKENS", "CACHE_TTL_S", "TIMEZONE", "GRID_AREA",
        "CAPACITY_TARIFF_EUR_PER_KW_YEAR", "VAT_PCT", "MAX_BATCH_SAMPLES",
    ];

    public static TheoryData<string> Dockerfiles => new() { "edge.Dockerfile", "server.Dockerfile", "simulator.Dockerfile" };

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Dockerfile_is_multi_stage_non_root_stops_on_sigterm_and_checks_health_without_a_shell(string file)
    {
        var lines = File.ReadAllLines(RepositoryRoot.Combine("deploy", file))
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .ToList();
        var froms = lines.Where(line => line.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        var finalStage = lines.Skip(lines.LastIndexOf(froms[^1])).ToList();

        Assert.True(froms.Count >= 2, "multi-stage: a build stage and a runtime stage");
        Assert.Contains("sdk:10.0", froms[0], StringComparison.Ordinal);
        Assert.DoesNotContain("sdk", froms[^1], StringComparison.Ordinal);
        var user = Assert.Single(finalStage, line => line.StartsWith("USER ", StringComparison.Ordinal))["USER ".Length..];
        Assert.DoesNotMatch(@"^(root|0)(:|$)", user);
        Assert.Contains("STOPSIGNAL SIGTERM", finalStage);
        var healthcheck = string.Join(' ', finalStage.SkipWhile(line => !line.StartsWith("HEALTHCHECK", StringComparison.Ordinal)).Take(2));
        Assert.Matches(@"CMD \[""/app/p1-[a-z]+""", healthcheck);
        Assert.Matches(@"^ENTRYPOINT \[""/app/p1-[a-z-]+""\]$", finalStage[^1]);
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Dockerfile_copies_only_paths_that_exist(string file)
    {
        var sources = File.ReadAllLines(RepositoryRoot.Combine("deploy", file))
            .Select(line => line.Trim())
            .Where(line => line.StartsWith("COPY ", StringComparison.Ordinal) && !line.Contains("--from=", StringComparison.Ordinal))
            .SelectMany(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1])
            .ToList();

        Assert.NotEmpty(sources);
        foreach (var source in sources)
        {
            var path = RepositoryRoot.Combine(source.TrimEnd('/'));
            Assert.True(File.Exists(path) || Directory.Exists(path), $"{file}: COPY source {source} does not exist");
        }
    }

    [Fact]
    public void Docker_build_context_leaves_out_build_output_and_local_data()
    {
        var ignored = File.ReadAllLines(RepositoryRoot.Combine(".dockerignore"))
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .ToHashSet(StringComparer.Ordinal);

        // Host bin/obj folders would carry host paths into the image's restore and build.
        Assert.Contains("**/bin/", ignored);
        Assert.Contains("**/obj/", ignored);
        Assert.Contains(".demo/", ignored);
        Assert.Contains(".env", ignored);
        Assert.DoesNotContain(ignored, pattern => pattern is "src/" or "deploy/" or "*.props" or "global.json");
    }

    [Fact]
    public void Env_example_documents_every_variable_once_with_a_comment()
    {
        var lines = File.ReadAllLines(RepositoryRoot.Combine(".env.example"));
        var assignments = lines
            .Select((line, index) => (line, index))
            .Where(x => VariableLine().IsMatch(x.line))
            .ToList();
        var names = assignments.Select(x => x.line[..x.line.IndexOf('=', StringComparison.Ordinal)]).ToList();

        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        foreach (var variable in _contractVariables)
        {
            Assert.Contains(variable, names);
        }

        // Every variable (or group of variables) is preceded by an explanation.
        foreach (var (line, index) in assignments)
        {
            var previous = lines.Take(index).Reverse().First(l => l.Length > 0);
            Assert.True(previous.StartsWith('#') || VariableLine().IsMatch(previous), $"{line}: no comment above it");
        }
    }

    [Theory]
    [InlineData("Edge")]
    [InlineData("Server")]
    public void Env_example_documents_every_variable_the_code_reads(string project)
    {
        var documented = DocumentedVariables();
        var read = Directory.EnumerateFiles(RepositoryRoot.Combine("src", project), "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(path => ConfigurationKey().Matches(File.ReadAllText(path)).Select(match => match.Groups[1].Value))
            .ToHashSet(StringComparer.Ordinal);

        Assert.Contains("LOG_LEVEL", read);
        Assert.Empty(read.Except(documented));
    }

    [Theory]
    [InlineData("docker-compose.vps.yml")]
    [InlineData("docker-compose.edge.yml")]
    [InlineData("Caddyfile")]
    public void Every_variable_a_deployment_file_reads_is_in_env_example(string file)
    {
        var documented = DocumentedVariables();
        var used = Interpolation().Matches(File.ReadAllText(RepositoryRoot.Combine("deploy", file)))
            .Select(match => match.Groups[1].Value)
            .ToHashSet(StringComparer.Ordinal);

        Assert.NotEmpty(used);
        Assert.Empty(used.Except(documented));
    }

    [Fact]
    public async Task Caddyfile_adapts_and_validates()
    {
        var home = TestRunDirectory.NewPath("caddy-validate");
        Directory.CreateDirectory(home);
        try
        {
            var result = await CommandRunner.RunAsync(
                "caddy",
                ["adapt", "--config", RepositoryRoot.Combine("deploy", "Caddyfile"), "--adapter", "caddyfile", "--validate"],
                workingDirectory: home,
                environment: new Dictionary<string, string?>
                {
                    ["P1_DOMAIN"] = "p1.example.org",
                    ["ACME_EMAIL"] = "ops@example.org",
                    ["HOME"] = home,
                    ["XDG_DATA_HOME"] = home,
                    ["XDG_CONFIG_HOME"] = home,
                });

            Assert.True(result.ExitCode == 0, result.Output);
            Assert.Contains("\"p1.example.org\"", result.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("\"reverse_proxy\"", result.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("\"ops@example.org\"", result.StandardOutput, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public void Systemd_unit_is_hardened_restarts_and_outwaits_the_shutdown_flush()
    {
        var settings = File.ReadAllLines(RepositoryRoot.Combine("deploy", "systemd", "p1-edge.service"))
            .Where(line => line.Length > 0 && !line.StartsWith('#') && !line.StartsWith('['))
            .Select(line => line.Split('=', 2))
            .ToLookup(pair => pair[0], pair => pair[1], StringComparer.Ordinal);

        Assert.Equal("notify", settings["Type"].Single());
        Assert.Equal("always", settings["Restart"].Single());
        Assert.Equal("SIGTERM", settings["KillSignal"].Single());
        Assert.Equal("yes", settings["DynamicUser"].Single());
        Assert.Equal("p1-edge", settings["StateDirectory"].Single());
        Assert.Contains("SPOOL_PATH=/var/lib/p1-edge/spool.db", settings["Environment"]);
        Assert.Equal("strict", settings["ProtectSystem"].Single());
        Assert.Equal("yes", settings["NoNewPrivileges"].Single());
        var defaultFlush = DefaultOf("SHUTDOWN_FLUSH_S");
        Assert.True(int.Parse(settings["TimeoutStopSec"].Single()) > defaultFlush + 10);
        // The unit runs the native binary, which needs no W+X pages (the JIT would crash at start under this).
        Assert.Equal("yes", settings["MemoryDenyWriteExecute"].Single());
        Assert.Equal("/opt/p1-edge/p1-edge", settings["ExecStart"].Single());
    }

    private static HashSet<string> DocumentedVariables() =>
        File.ReadAllLines(RepositoryRoot.Combine(".env.example"))
            .Where(line => VariableLine().IsMatch(line))
            .Select(line => line[..line.IndexOf('=', StringComparison.Ordinal)])
            .ToHashSet(StringComparer.Ordinal);

    private static int DefaultOf(string variable) =>
        int.Parse(File.ReadAllLines(RepositoryRoot.Combine(".env.example"))
            .Single(line => line.StartsWith(variable + "=", StringComparison.Ordinal))[(variable.Length + 1)..]);

    [GeneratedRegex("^[A-Z][A-Za-z0-9_]*=")]
    private static partial Regex VariableLine();

    [GeneratedRegex(@"(?:ConfigurationKeyName\(|[Cc]onfiguration\[|GetEnvironmentVariable\()""([A-Z][A-Z0-9_]+)""")]
    private static partial Regex ConfigurationKey();

    [GeneratedRegex(@"\$\{?([A-Z][A-Z0-9_]*)")]
    private static partial Regex Interpolation();
}
