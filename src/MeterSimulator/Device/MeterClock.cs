using P1Telemetry.MeterSimulator.Meter;

namespace P1Telemetry.MeterSimulator.Device;

/// <summary>
/// Runs the meter: one telegram per interval of meter time (the interval divided by the speed factor in real
/// time, per the <see cref="TimeProvider"/>), never on request. The first telegram exists before the
/// listeners open, so every request finds one. When the process falls behind, it catches up telegram by
/// telegram, so the sequence is the same as the pure generator's.
/// </summary>
internal sealed partial class MeterClock(SimulatedDevice device, ILogger<MeterClock> logger) : BackgroundService
{
    private TelegramGenerator? _generator;
    private DateTimeOffset _realAnchor;
    private DateTimeOffset _meterAnchor;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var options = device.Options;
        var time = options.TimeProvider;
        _realAnchor = time.GetUtcNow();
        _generator = new TelegramGenerator(options.Seed, options.Start ?? _realAnchor,
            TimeSpan.FromSeconds(options.TelegramIntervalSeconds), device.TimeZone);
        _meterAnchor = _generator.NextInstant;

        // A glitch set at start needs a telegram before it to be a glitch: it goes to the second one.
        device.Feed.Publish(_generator.Next());
        LogMeterStarted(logger, _meterAnchor, options.TelegramIntervalSeconds, options.Speed, options.Seed);
        return base.StartAsync(cancellationToken);
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

        device.Feed.Publish(telegram);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Meter started at {MeterStart} (telegram every {IntervalSeconds} s of meter time, speed {Speed}, seed {Seed})")]
    private static partial void LogMeterStarted(ILogger logger, DateTimeOffset meterStart, int intervalSeconds, double speed, int seed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Register glitch {Glitch} applied to the telegram of {MeterTimestamp}")]
    private static partial void LogGlitch(ILogger logger, RegisterGlitch glitch, DateTime meterTimestamp);
}
