using P1Telemetry.MeterSimulator.Meter;

namespace P1Telemetry.MeterSimulator.Device;

/// <summary>
/// Runs the meter: one telegram per interval of meter time (the interval divided by the speed factor in real
/// time, per the <see cref="TimeProvider"/>), never on request. The first telegram exists before the
/// listeners open, so every request finds one. When the process falls behind, it catches up telegram by
/// telegram, so the sequence is the same as the pure generator's. The registers reached are saved to the
/// state directory every few seconds and at stop, and a restart continues from them.
/// </summary>
internal sealed partial class MeterClock(SimulatedDevice device, ILogger<MeterClock> logger) : BackgroundService
{
    private static readonly TimeSpan _saveEvery = TimeSpan.FromSeconds(5);

    private TelegramGenerator? _generator;
    private DateTimeOffset _realAnchor;
    private DateTimeOffset _meterAnchor;
    private long _lastSave;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var options = device.Options;
        var time = options.TimeProvider;
        _realAnchor = time.GetUtcNow();
        var start = options.Start ?? _realAnchor;
        var interval = TimeSpan.FromSeconds(options.TelegramIntervalSeconds);
        // The registers the first telegram shows: where the household's anchor puts them at its instant (so a
        // history written up to that instant is continued without a step), or further if a previous run got there.
        var anchored = TelegramGenerator.AnchoredRegisters(options.Seed, device.TimeZone, TelegramGenerator.AlignToInterval(start, interval));
        var saved = MeterStateFile.TryLoad(device.StateDirectory, options.Seed, start);
        _generator = new TelegramGenerator(options.Seed, start, interval, device.TimeZone,
            saved is { } previous ? MeterRegisters.Max(anchored, previous) : anchored);
        _meterAnchor = _generator.NextInstant;
        _lastSave = time.GetTimestamp();

        // A glitch set at start needs a telegram before it to be a glitch: it goes to the second one.
        Publish(_generator.Next());
        LogMeterStarted(logger, _meterAnchor, options.TelegramIntervalSeconds, options.Speed, options.Seed, saved is not null);
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        SaveRegisters();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var generator = _generator!;
        var time = device.Options.TimeProvider;
        var speed = device.Options.Speed;
        while (!stoppingToken.IsCancellationRequested)
        {
            var due = _realAnchor + ((generator.NextInstant - _meterAnchor) / speed);
            var wait = due - time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            Emit();
            if (time.GetElapsedTime(_lastSave) >= _saveEvery)
            {
                SaveRegisters();
            }
        }
    }

    private void Emit()
    {
        var telegram = _generator!.Next();
        if (device.Faults.TakeGlitch() is { } glitch)
        {
            telegram = Glitches.Apply(telegram, glitch);
            LogGlitch(logger, glitch, telegram.MeterTimestamp);
        }

        Publish(telegram);
    }

    private void Publish(Telegram telegram)
    {
        device.Feed.Publish(telegram);
        device.RawFeed.Publish(telegram);
    }

    private void SaveRegisters()
    {
        _lastSave = device.Options.TimeProvider.GetTimestamp();
        if (_generator is not { } generator)
        {
            return;
        }

        try
        {
            MeterStateFile.Save(device.StateDirectory, device.Options.Seed, generator.NextInstant, generator.Registers);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogSaveFailed(logger, device.StateDirectory, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Meter started at {MeterStart} (telegram every {IntervalSeconds} s of meter time, speed {Speed}, seed {Seed}, continuing saved registers: {ContinuesSaved})")]
    private static partial void LogMeterStarted(ILogger logger, DateTimeOffset meterStart, int intervalSeconds, double speed, int seed, bool continuesSaved);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Register glitch {Glitch} applied to the telegram of {MeterTimestamp}")]
    private static partial void LogGlitch(ILogger logger, RegisterGlitch glitch, DateTime meterTimestamp);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not save the meter registers in {StateDirectory}: {Reason}")]
    private static partial void LogSaveFailed(ILogger logger, string stateDirectory, string reason);
}
