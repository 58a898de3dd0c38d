using Microsoft.Extensions.Logging.Abstractions;
using P1Telemetry.Edge.Configuration;
using P1Telemetry.Edge.Health;
using P1Telemetry.Edge.P1;
using P1Telemetry.Edge.Polling;
using P1Telemetry.Edge.Spooling;
using P1Telemetry.Edge.Tests.Infrastructure;
using P1Telemetry.MeterSimulator;

namespace P1Telemetry.Edge.Tests;

/// <summary>With a dongle, its raw telegram (v1 and v2) gives the meter's peak history; nothing is spooled from it.</summary>
public sealed class HomeWizardTelegramTests : IAsyncLifetime
{
    private readonly TestDirectory _directory = new();
    private SimulatorHost _sim = null!;
    private string _token = null!;

    public async Task InitializeAsync()
    {
        _sim = await Simulator.StartAsync(new SimulatorOptions
        {
            Speed = 1,
            Start = new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero),
            HistoryMonths = 1,
        });
        _token = _sim.CreatePairedToken("local/raw");
    }

    public async Task DisposeAsync()
    {
        await _sim.DisposeAsync();
        _directory.Dispose();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_raw_telegram_yields_the_history_of_last_month(bool v2)
    {
        using var client = v2
            ? Simulator.Client(_sim.V2BaseUri.ToString(), _token, [_sim.CaCertificate])
            : Simulator.Client(Simulator.HostAndPort(_sim.V1BaseUri));
        using var spool = SampleSpool.Open(_directory.File($"raw-{v2}.db"), TimeProvider.System);
        var health = new HealthMonitor(TimeProvider.System);
        var options = new EdgeOptions();
        var pipeline = new ReadingPipeline(spool, health, options, NullLogger<ReadingPipeline>.Instance);
        using var history = new MeterPeakHistory();
        var processor = new TelegramProcessor(pipeline, history, health, options, NullLogger<TelegramProcessor>.Instance);
        var service = new HomeWizardTelegramService(client, processor, TimeProvider.System, NullLogger<HomeWizardTelegramService>.Instance);

        Assert.True(await service.ReadOnceAsync(default));
        await _sim.WaitForPeakHistoryAsync();
        await _sim.NextReadingAsync();
        await _sim.NextReadingAsync();
        Assert.True(await service.ReadOnceAsync(default));

        var peak = Assert.Single(history.Peaks);
        Assert.Equal("2026-02", peak.Month);
        Assert.True(peak.PeakW > 0);
        Assert.InRange(peak.PeakTs!.Value, new DateTimeOffset(2026, 1, 31, 23, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 2, 28, 23, 0, 0, TimeSpan.Zero));
        Assert.Equal(0, await spool.CountAsync(default));
        Assert.Equal(0, health.BadTelegrams);
    }
}
