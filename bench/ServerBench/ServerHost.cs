using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.ServerBench;

/// <summary>The benchmark's device and its token, and <c>p1-server</c> (its own process, loopback HTTP) that knows them.</summary>
internal static class ServerHost
{
    public const string Token = "bench-token-0123456789abcdef";
    public const string Device = "bench-meter";

    public static Task<ServerProcess> StartAsync(IDictionary<string, string> environment) => ServerProcess.StartAsync(WithDevice(environment));

    public static Task MigrateAsync(IDictionary<string, string> environment) => ServerProcess.MigrateAsync(WithDevice(environment));

    private static Dictionary<string, string?> WithDevice(IDictionary<string, string> environment)
    {
        var all = new Dictionary<string, string?> { ["DEVICE_TOKENS"] = $"{Token}:{Device}", ["LOG_LEVEL"] = "Warning" };
        foreach (var (name, value) in environment)
        {
            all[name] = value;
        }

        return all;
    }
}
