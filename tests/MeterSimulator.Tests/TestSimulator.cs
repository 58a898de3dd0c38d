using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.MeterSimulator.Tests;

internal static class TestSimulator
{
    /// <summary>Starts the simulator; a temporary state directory goes under the test run directory.</summary>
    public static Task<SimulatorHost> StartAsync(SimulatorOptions options) =>
        SimulatorHost.StartAsync(options with { TemporaryStateRoot = TestRunDirectory.Root });
}
