using P1Telemetry.Server.Tests.Support;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.Server.Tests.ReadPath;

/// <summary>The real executable refuses to start with capacity settings it cannot use, naming the variable.</summary>
public sealed class CapacitySettingsProcessTests : IDisposable
{
    private readonly string _dataDirectory = TestRunDirectory.CreateSubdirectory("capacity-settings");

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);

    [Theory]
    [InlineData("TIMEZONE", "Europe/Brusels")]
    [InlineData("TIMEZONE", "Asia/Kathmandu-ish")]
    [InlineData("GRID_AREA", "Sibelga")]
    [InlineData("CAPACITY_TARIFF_EUR_PER_KW_YEAR", "0")]
    [InlineData("CAPACITY_TARIFF_EUR_PER_KW_YEAR", "fifty")]
    [InlineData("VAT_PCT", "106")]
    public async Task A_bad_capacity_setting_stops_the_process_with_a_message_naming_it(string variable, string value)
    {
        await using var server = ServerProcess.Start(new Dictionary<string, string?>
        {
            ["DEVICE_TOKENS"] = $"{ServerFactory.Token1}:{ServerFactory.Device1}",
            ["DATA_DIR"] = _dataDirectory,
            [variable] = value,
        });

        var exitCode = await server.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, exitCode);
        Assert.Contains(variable, server.StandardError + server.StandardOutput, StringComparison.Ordinal);
    }
}
