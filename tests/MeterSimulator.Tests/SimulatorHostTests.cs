using System.Net;
using Microsoft.Extensions.Time.Testing;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.MeterSimulator.Tests;

/// <summary>The in-process host: random ports, the meter clock and speed, clean disposal.</summary>
public sealed class SimulatorHostTests
{
    [Fact]
    public async Task Port_zero_binds_free_ports_and_reports_them()
    {
        await using var a = await TestSimulator.StartAsync(new SimulatorOptions());
        await using var b = await TestSimulator.StartAsync(new SimulatorOptions());

        Assert.Equal("http", a.V1BaseUri.Scheme);
        Assert.Equal("https", a.V2BaseUri.Scheme);
        var ports = new[] { a.V1BaseUri.Port, a.V2BaseUri.Port, b.V1BaseUri.Port, b.V2BaseUri.Port };
        Assert.All(ports, p => Assert.NotEqual(0, p));
        Assert.Equal(4, ports.Distinct().Count());
        using var client = SimulatorClients.V1(b);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("api")).StatusCode);
    }

    [Fact]
    public async Task Dispose_stops_listening_removes_its_temporary_state_and_may_be_repeated()
    {
        var host = await TestSimulator.StartAsync(new SimulatorOptions());
        var stateDirectory = Path.GetDirectoryName(host.CaCertificatePath)!;
        Assert.True(Directory.Exists(stateDirectory));

        await host.DisposeAsync();
        await host.DisposeAsync();

        using var client = SimulatorClients.V1(host);
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("api"));
        Assert.False(Directory.Exists(stateDirectory));
    }

    [Fact]
    public async Task Dispose_completes_while_a_request_hangs()
    {
        var host = await TestSimulator.StartAsync(new SimulatorOptions());
        host.SetFaults(new SimulatorFaults { Hang = true });
        using var client = SimulatorClients.V1(host, TimeSpan.FromMinutes(5));
        var hung = client.GetAsync("api/v1/data");
        await Task.Delay(200);

        var dispose = host.DisposeAsync().AsTask();
        var finished = await Task.WhenAny(dispose, Task.Delay(TimeSpan.FromSeconds(30)));

        Assert.Same(dispose, finished);
        await Assert.ThrowsAsync<HttpRequestException>(() => hung);
    }

    [Fact]
    public async Task Invalid_options_are_refused_with_the_setting_named()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            TestSimulator.StartAsync(new SimulatorOptions { Serial = "not-a-serial", Speed = -1 }));

        Assert.Contains("--serial (SIM_SERIAL)", error.Message, StringComparison.Ordinal);
        Assert.Contains("--speed (SIM_SPEED)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Telegrams_follow_the_clock_times_the_speed_and_never_a_request()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 9, 1, 8, 0, 0, TimeSpan.Zero));
        await using var host = await TestSimulator.StartAsync(new SimulatorOptions { TimeProvider = time, Speed = 10 });
        Assert.Single(host.Readings);
        Assert.Equal(new DateTime(2026, 9, 1, 10, 0, 0), host.LatestReading.MeterTimestamp);

        using (var client = SimulatorClients.V1(host))
        {
            for (var i = 0; i < 5; i++)
            {
                using var _ = await client.GetAsync("api/v1/data");
            }
        }

        Assert.Single(host.Readings);

        var next = host.NextReadingAsync();
        for (var i = 0; i < 10; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        await next.WaitAsync(TimeSpan.FromSeconds(10));
        await WaitUntilAsync(() => host.Readings.Count == 11);
        Assert.Equal(new DateTime(2026, 9, 1, 10, 0, 10), host.LatestReading.MeterTimestamp);
    }

    [Fact]
    public async Task A_ten_second_interval_gives_DSMR_4_telegrams_from_the_requested_start()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 9, 1, 8, 0, 0, TimeSpan.Zero));
        await using var host = await TestSimulator.StartAsync(new SimulatorOptions
        {
            TimeProvider = time,
            TelegramIntervalSeconds = 10,
            Start = new DateTimeOffset(2026, 12, 24, 18, 0, 7, TimeSpan.Zero),
        });

        Assert.Equal(new DateTime(2026, 12, 24, 19, 0, 0), host.LatestReading.MeterTimestamp);
        for (var i = 0; i < 30; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
        }

        await WaitUntilAsync(() => host.Readings.Count == 4);
        Assert.Equal(
            [new DateTime(2026, 12, 24, 19, 0, 0), new DateTime(2026, 12, 24, 19, 0, 10), new DateTime(2026, 12, 24, 19, 0, 20), new DateTime(2026, 12, 24, 19, 0, 30)],
            host.Readings.Select(r => r.MeterTimestamp));
    }

    [Fact]
    public async Task A_glitch_configured_at_start_hits_the_second_telegram()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 9, 1, 8, 0, 0, TimeSpan.Zero));
        await using var host = await TestSimulator.StartAsync(new SimulatorOptions
        {
            TimeProvider = time,
            Faults = new SimulatorFaults { Glitch = RegisterGlitch.Backwards },
        });
        Assert.Equal(RegisterGlitch.Backwards, host.Faults.Glitch);

        time.Advance(TimeSpan.FromSeconds(1));
        await WaitUntilAsync(() => host.Readings.Count == 2);

        Assert.True(host.Readings[1].ImportT1Wh < host.Readings[0].ImportT1Wh);
        Assert.Null(host.Faults.Glitch);
    }

    [Fact]
    public async Task A_restarted_simulator_continues_from_the_registers_it_saved()
    {
        var stateDirectory = TestRunDirectory.NewPath("sim-restart");
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 7, 10, 9, 0, 0, TimeSpan.Zero));
        var start = new DateTimeOffset(2026, 7, 10, 9, 0, 0, TimeSpan.Zero);
        try
        {
            Meter.Telegram last;
            await using (var first = await TestSimulator.StartAsync(new SimulatorOptions { TimeProvider = time, StateDirectory = stateDirectory, Seed = 2, Speed = 100, Start = start }))
            {
                for (var i = 0; i < 36; i++)
                {
                    time.Advance(TimeSpan.FromSeconds(1));
                    await WaitUntilAsync(() => first.Readings.Count == 1 + ((i + 1) * 100));
                }

                last = first.LatestReading;
            }

            var restartAt = last.TsUtc.AddMinutes(5);
            await using var restarted = await TestSimulator.StartAsync(new SimulatorOptions { StateDirectory = stateDirectory, Seed = 2, Start = restartAt, TimeProvider = time });
            await using var fresh = await TestSimulator.StartAsync(new SimulatorOptions { Seed = 2, Start = restartAt, TimeProvider = time });
            var again = restarted.LatestReading;

            Assert.True(again.EnergyImportKwh >= last.EnergyImportKwh, $"import {again.EnergyImportKwh} < {last.EnergyImportKwh}");
            Assert.True(again.EnergyExportKwh >= last.EnergyExportKwh, $"export {again.EnergyExportKwh} < {last.EnergyExportKwh}");
            Assert.True(again.GasLitres >= last.GasLitres);
            Assert.InRange(again.EnergyImportKwh - last.EnergyImportKwh, 0, 5);
            // Without the saved registers the hour of PV export just seen would be lost.
            Assert.True(fresh.LatestReading.EnergyExportKwh < last.EnergyExportKwh);
        }
        finally
        {
            Directory.Delete(stateDirectory, recursive: true);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        // A bound for a stuck simulator, generous for a machine busy with the other test classes.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }
}
