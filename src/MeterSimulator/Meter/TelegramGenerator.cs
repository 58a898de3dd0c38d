using P1Telemetry.Contracts.Domain;

namespace P1Telemetry.MeterSimulator.Meter;

/// <summary>
/// Produces the meter's telegrams one interval apart from a seed and a start instant: a pure, deterministic
/// sequence (the same seed and start always give the same telegrams). Each telegram books the energy of the
/// interval that ends at it, integrated second by second (see <see cref="EnergyBooking"/>), on the registers of the
/// tariff that was active, and keeps the Belgian quarter-hour and monthly-peak figures. A generator started at any
/// instant is in the state a meter running since long before would be in: the current quarter holds its energy
/// so far and the month peak is the highest quarter since the start of the local month, whatever the interval.
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
    /// <param name="registersAtStart">
    /// The registers the first telegram shows (the energy booked up to its instant); by default where
    /// <see cref="RegisterAnchor"/> puts them at that instant, whatever the interval.
    /// </param>
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
        NextInstant = AlignToInterval(start, interval);

        // The state after the telegram before the first: the first telegram then books its own interval.
        var previous = NextInstant - interval;
        var shown = registersAtStart ?? RegisterAnchor.At(seed, timeZone, NextInstant);
        var registers = shown - EnergyBooking.Over(_profile, previous, NextInstant, out _).AsRegisters();
        _importT1J = registers.ImportT1J;
        _importT2J = registers.ImportT2J;
        _exportT1J = registers.ExportT1J;
        _exportT2J = registers.ExportT2J;
        _gasLitres = registers.GasLitres;

        InitialiseAsRunningBefore(previous);
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
        var booked = EnergyBooking.Over(_profile, t.AddSeconds(-_intervalSeconds), t, out var power);
        _importT1J += booked.ImportT1J;
        _importT2J += booked.ImportT2J;
        _exportT1J += booked.ExportT1J;
        _exportT2J += booked.ExportT2J;
        _quarterImportJ += booked.ImportJ;
        _gasLitres += booked.GasLitres;
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
    /// Puts the quarter, the month peak and the gas reading where a meter running since long before would have
    /// them after its telegram at <paramref name="previous"/>; the registers are already there.
    /// </summary>
    /// <remarks>
    /// The quarters come from the profile second by second, exactly as <see cref="Next"/> books them, so the peak
    /// equals the highest quarter a history of the same seed shows for the month (at any interval: the quarter
    /// values do not depend on it), and the server, computing quarters from the register at the quarter
    /// boundaries, finds the same values to the registers' 1 Wh resolution.
    /// </remarks>
    private void InitialiseAsRunningBefore(DateTimeOffset previous)
    {
        var quarterStart = QuarterHour.StartOf(previous);
        _quarterImportJ = EnergyBooking.ImportJoules(_profile, quarterStart, previous);

        // Like Next: a completed quarter counts for the month its start lies in, and the month of the latest
        // telegram is the one whose peak shows (reset at local midnight of the 1st).
        var local = Local(previous);
        _peakMonth = (local.Year, local.Month);
        var monthStartLocal = new DateTime(local.Year, local.Month, 1, 0, 0, 0, DateTimeKind.Unspecified);
        var monthStart = new DateTimeOffset(monthStartLocal, _timeZone.GetUtcOffset(monthStartLocal)).ToUniversalTime();
        var completedQuarters = (int)((quarterStart - monthStart).Ticks / QuarterHour.Length.Ticks);
        if (MonthQuarterValues.Peak(_seed, _timeZone, monthStart, completedQuarters) is { } peak)
        {
            _peakW = peak.ValueW;
            _peakTsUtc = peak.QuarterEnd;
        }

        var lastGasRead = Floor(previous, GasInterval);
        _reportedGasLitres = (long)(_gasLitres - EnergyBooking.GasLitresOver(_profile, lastGasRead, previous));
        _reportedGasTsUtc = lastGasRead;
    }

    private double Voltage(DateTimeOffset t, int phase, int powerW)
    {
        var noise = DeterministicNoise.Unit(_seed, t.ToUnixTimeSeconds(), 10 + phase);
        return Math.Round(231.5 + (noise * 2) - (powerW / 2_500.0), 1);
    }

    private DateTime Local(DateTimeOffset utc) => TimeZoneInfo.ConvertTime(utc, _timeZone).DateTime;

    /// <summary>Telegrams fall on whole multiples of the interval, like a meter's clock.</summary>
    internal static DateTimeOffset AlignToInterval(DateTimeOffset instant, TimeSpan interval) => Floor(instant, interval);

    private static DateTimeOffset Floor(DateTimeOffset utc, TimeSpan step) =>
        new(utc.UtcTicks - (utc.UtcTicks % step.Ticks), TimeSpan.Zero);
}
