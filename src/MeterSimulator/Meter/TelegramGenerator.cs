using P1Telemetry.Contracts.Domain;

namespace P1Telemetry.MeterSimulator.Meter;

/// <summary>
/// Produces the meter's telegrams one interval apart from a seed and a start instant: a pure, deterministic
/// sequence (the same seed and start always give the same telegrams). Each telegram books the power of the
/// interval that ends at it on the registers of the tariff that was active, so the registers integrate power
/// exactly (to the meter's 1 Wh resolution), and keeps the Belgian quarter-hour and monthly-peak figures.
/// </summary>
public sealed class TelegramGenerator
{
    internal const long JoulesPerWh = 3_600;
    internal static readonly TimeSpan GasInterval = TimeSpan.FromMinutes(5);

    private readonly HouseholdProfile _profile;
    private readonly TimeZoneInfo _timeZone;
    private readonly long _intervalSeconds;
    private readonly int _seed;

    // Registers in joules so that integer watts × seconds add up without rounding.
    private long _importT1J;
    private long _importT2J;
    private long _exportT1J;
    private long _exportT2J;
    private long _quarterImportJ;
    private double _gasLitres;
    private long _reportedGasLitres;
    private DateTimeOffset _reportedGasTsUtc;
    private (int Year, int Month) _peakMonth;
    private int? _peakW;
    private DateTimeOffset? _peakTsUtc;

    /// <param name="seed">Chooses the household and its days.</param>
    /// <param name="start">The first telegram's instant (rounded down to a whole interval).</param>
    /// <param name="interval">Meter time between telegrams: whole seconds dividing 15 minutes.</param>
    /// <param name="timeZone">The meter's local clock.</param>
    /// <param name="registersAtStart">The registers before the first telegram; by default where <see cref="RegisterAnchor"/> puts them.</param>
    public TelegramGenerator(int seed, DateTimeOffset start, TimeSpan interval, TimeZoneInfo timeZone,
        MeterRegisters? registersAtStart = null)
    {
        ArgumentNullException.ThrowIfNull(timeZone);
        if (interval < TimeSpan.FromSeconds(1) || interval.Ticks % TimeSpan.TicksPerSecond != 0
            || QuarterHour.Length.Ticks % interval.Ticks != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval,
                "The telegram interval must be a whole number of seconds that divides 15 minutes.");
        }

        _timeZone = timeZone;
        _seed = seed;
        _intervalSeconds = (long)interval.TotalSeconds;
        _profile = new HouseholdProfile(seed, timeZone);
        Interval = interval;

        // Telegrams fall on whole multiples of the interval, like a meter's clock.
        var startTicks = start.UtcTicks - (start.UtcTicks % interval.Ticks);
        NextInstant = new DateTimeOffset(startTicks, TimeSpan.Zero);

        var registers = registersAtStart ?? RegisterAnchor.At(seed, timeZone, NextInstant);
        _importT1J = registers.ImportT1J;
        _importT2J = registers.ImportT2J;
        _exportT1J = registers.ExportT1J;
        _exportT2J = registers.ExportT2J;
        _gasLitres = registers.GasLitres;

        var lastGasRead = Floor(NextInstant, GasInterval);
        _reportedGasLitres = (long)_gasLitres;
        _reportedGasTsUtc = lastGasRead;

        InitialiseQuarterAndPeak(seed);
    }

    public TimeSpan Interval { get; }

    /// <summary>The instant of the telegram that <see cref="Next"/> returns.</summary>
    public DateTimeOffset NextInstant { get; private set; }

    public HouseholdProfile Profile => _profile;

    /// <summary>The registers as they stand after the last telegram returned.</summary>
    public MeterRegisters Registers => new(_importT1J, _importT2J, _exportT1J, _exportT2J, _gasLitres);

    /// <summary>Where the registers of this household stand at <paramref name="instant"/> for a meter started then.</summary>
    public static MeterRegisters AnchoredRegisters(int seed, TimeZoneInfo timeZone, DateTimeOffset instant) =>
        RegisterAnchor.At(seed, timeZone, instant);

    public Telegram Next()
    {
        var t = NextInstant;
        NextInstant = t.AddSeconds(_intervalSeconds);
        var intervalStart = t.AddSeconds(-_intervalSeconds);
        var power = _profile.PowerAt(t);
        var joules = (long)power.Total * _intervalSeconds;
        var bookedTariff = BelgianTariffSchedule.TariffAt(Local(intervalStart));

        if (joules > 0)
        {
            if (bookedTariff == BelgianTariffSchedule.Day)
            {
                _importT1J += joules;
            }
            else
            {
                _importT2J += joules;
            }

            _quarterImportJ += joules;
        }
        else if (joules < 0)
        {
            if (bookedTariff == BelgianTariffSchedule.Day)
            {
                _exportT1J -= joules;
            }
            else
            {
                _exportT2J -= joules;
            }
        }

        _gasLitres += _profile.GasLitresPerSecondAt(t) * _intervalSeconds;
        if (t == Floor(t, GasInterval))
        {
            _reportedGasLitres = (long)_gasLitres;
            _reportedGasTsUtc = t;
        }

        if (t == QuarterHour.StartOf(t))
        {
            CloseQuarter(t);
        }

        var local = Local(t);
        if ((local.Year, local.Month) != _peakMonth)
        {
            _peakMonth = (local.Year, local.Month);
            _peakW = null;
            _peakTsUtc = null;
        }

        return new Telegram
        {
            TsUtc = t,
            MeterTimestamp = local,
            Tariff = BelgianTariffSchedule.TariffAt(local),
            ImportT1Wh = _importT1J / JoulesPerWh,
            ImportT2Wh = _importT2J / JoulesPerWh,
            ExportT1Wh = _exportT1J / JoulesPerWh,
            ExportT2Wh = _exportT2J / JoulesPerWh,
            PowerW = power.Total,
            PowerL1W = power.L1,
            PowerL2W = power.L2,
            PowerL3W = power.L3,
            VoltageL1V = Voltage(t, 1, power.L1),
            VoltageL2V = Voltage(t, 2, power.L2),
            VoltageL3V = Voltage(t, 3, power.L3),
            AveragePower15mW = QuarterValueW(_quarterImportJ),
            MonthlyPowerPeakW = _peakW,
            MonthlyPowerPeakTimestamp = _peakTsUtc is { } peakUtc ? Local(peakUtc) : null,
            MonthlyPowerPeakTsUtc = _peakTsUtc,
            GasLitres = _reportedGasLitres,
            GasTimestamp = Local(_reportedGasTsUtc),
            GasTsUtc = _reportedGasTsUtc,
        };
    }

    /// <summary>Offtake energy in a quarter × 4, in W (the meter's 1-0:1.4.0 unit), rounded down.</summary>
    public static int QuarterValueW(long quarterImportJoules) => (int)(quarterImportJoules * 4 / JoulesPerWh);

    private void CloseQuarter(DateTimeOffset quarterEnd)
    {
        var value = QuarterValueW(_quarterImportJ);
        _quarterImportJ = 0;
        var quarterStartLocal = Local(quarterEnd - QuarterHour.Length);
        if ((quarterStartLocal.Year, quarterStartLocal.Month) != _peakMonth)
        {
            _peakMonth = (quarterStartLocal.Year, quarterStartLocal.Month);
            _peakW = null;
            _peakTsUtc = null;
        }

        if (_peakW is null || value > _peakW)
        {
            _peakW = value;
            _peakTsUtc = quarterEnd;
        }
    }

    /// <summary>
    /// The meter has been running before the simulation starts: the current quarter already holds the energy
    /// since its start, and the month may already have a peak (a seeded earlier quarter).
    /// </summary>
    private void InitialiseQuarterAndPeak(int seed)
    {
        var first = NextInstant;
        var quarterStart = QuarterHour.StartOf(first);
        for (var t = quarterStart.AddSeconds(_intervalSeconds); t < first; t = t.AddSeconds(_intervalSeconds))
        {
            _quarterImportJ += Math.Max(0L, (long)_profile.PowerAt(t).Total * _intervalSeconds);
        }

        var local = Local(first);
        _peakMonth = (local.Year, local.Month);
        var monthStartLocal = new DateTime(local.Year, local.Month, 1, 0, 0, 0, DateTimeKind.Unspecified);
        var monthStart = new DateTimeOffset(monthStartLocal, _timeZone.GetUtcOffset(monthStartLocal));
        var completedQuarters = (int)((quarterStart - monthStart).Ticks / QuarterHour.Length.Ticks);
        if (completedQuarters >= 1)
        {
            var pick = new Random(DeterministicNoise.RandomSeed(seed, 0x9EA4, monthStart.ToUnixTimeSeconds()));
            _peakW = 1_800 + pick.Next(0, 3_700);
            _peakTsUtc = monthStart + (QuarterHour.Length * pick.Next(1, completedQuarters + 1));
        }

    }

    private double Voltage(DateTimeOffset t, int phase, int powerW)
    {
        var noise = DeterministicNoise.Unit(_seed, t.ToUnixTimeSeconds(), 10 + phase);
        return Math.Round(231.5 + (noise * 2) - (powerW / 2_500.0), 1);
    }

    private DateTime Local(DateTimeOffset utc) => TimeZoneInfo.ConvertTime(utc, _timeZone).DateTime;

    private static DateTimeOffset Floor(DateTimeOffset utc, TimeSpan step) =>
        new(utc.UtcTicks - (utc.UtcTicks % step.Ticks), TimeSpan.Zero);
}
