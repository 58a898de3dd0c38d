namespace P1Telemetry.MeterSimulator.Meter;

/// <summary>
/// A seeded household in Belgium: base load, fridge cycles, cooking, dishwasher and washing machine, a heat
/// pump and/or an EV charger, PV export around solar noon, split over three phases. Power and gas flow are
/// pure functions of the seed and the instant, so any stretch of time can be generated independently.
/// </summary>
public sealed class HouseholdProfile
{
    // Solar noon in Brussels (4.35° E) is about 11:43 UTC all year, within the equation of time.
    internal const double SolarNoonUtcHours = 11.72;

    private readonly int _seed;
    private readonly TimeZoneInfo _timeZone;
    private readonly HouseholdTraits _traits;
    private DayPlan? _today;
    private DayPlan? _yesterday;
    private long _offsetQuarterTicks = long.MinValue;
    private TimeSpan _offset;

    public HouseholdProfile(int seed, TimeZoneInfo timeZone)
    {
        ArgumentNullException.ThrowIfNull(timeZone);
        _seed = seed;
        _timeZone = timeZone;
        _traits = HouseholdTraits.FromSeed(seed);
    }

    public TimeZoneInfo TimeZone => _timeZone;

    public bool HasHeatPump => _traits.HasHeatPump;

    public bool HasEv => _traits.HasEv;

    public double PvPeakW => _traits.PvPeakW;

    /// <summary>Net power per phase during the second that ends at <paramref name="utc"/>.</summary>
    public PhasePower PowerAt(DateTimeOffset utc)
    {
        var local = Local(utc);
        var today = PlanFor(DateOnly.FromDateTime(local));
        var yesterday = PlanFor(DateOnly.FromDateTime(local).AddDays(-1));
        var second = utc.ToUnixTimeSeconds();

        var noise = (DeterministicNoise.Unit(_seed, second, 1) - 0.5) * 30;
        double l1 = (_traits.BaseLoadW * 0.5) + noise;
        double l2 = _traits.BaseLoadW * 0.3;
        double l3 = _traits.BaseLoadW * 0.2;

        l1 += FridgeW(utc);

        foreach (var plan in (ReadOnlySpan<DayPlan>)[today, yesterday])
        {
            // Indexed: an interface foreach would allocate an enumerator every second.
            var runs = plan.Runs;
            for (var i = 0; i < runs.Count; i++)
            {
                var run = runs[i];
                if (run.IsOnAt(local))
                {
                    l1 += run.L1W;
                    l2 += run.L2W;
                    l3 += run.L3W;
                }
            }
        }

        if (_traits.HasHeatPump)
        {
            var heatPump = HeatPumpW(local, utc, today);
            l1 += heatPump / 3;
            l2 += heatPump / 3;
            l3 += heatPump / 3;
        }

        var pv = PvW(utc, today);
        if (_traits.PvThreePhase)
        {
            l1 -= pv / 3;
            l2 -= pv / 3;
            l3 -= pv / 3;
        }
        else
        {
            l1 -= pv;
        }

        return new PhasePower((int)Math.Round(l1), (int)Math.Round(l2), (int)Math.Round(l3));
    }

    /// <summary>Gas flow in litres per second at <paramref name="utc"/>: the boiler (heating unless a heat pump does it) and hot water.</summary>
    public double GasLitresPerSecondAt(DateTimeOffset utc)
    {
        var local = Local(utc);
        var plan = PlanFor(DateOnly.FromDateTime(local));
        var litresPerHour = 0.0;
        if (!_traits.HasHeatPump)
        {
            litresPerHour += HeatingDemand(local, plan) * 1_400;
        }

        var hotWater = plan.HotWater;
        for (var i = 0; i < hotWater.Count; i++)
        {
            var draw = hotWater[i];
            if (draw.IsOnAt(local))
            {
                litresPerHour += draw.L1W;
            }
        }

        return litresPerHour / 3600;
    }

    /// <summary>
    /// Local wall time. Offsets change on quarter-hour boundaries in UTC (every zone's offset and transition time
    /// are whole quarter-hours), so one lookup serves a quarter: the profile is evaluated every second in turn.
    /// </summary>
    private DateTime Local(DateTimeOffset utc)
    {
        var ticks = utc.UtcTicks;
        var quarter = ticks - (ticks % (TimeSpan.TicksPerMinute * 15));
        if (quarter != _offsetQuarterTicks)
        {
            _offset = _timeZone.GetUtcOffset(new DateTimeOffset(quarter, TimeSpan.Zero));
            _offsetQuarterTicks = quarter;
        }

        return new DateTime(ticks + _offset.Ticks, DateTimeKind.Unspecified);
    }

    private double FridgeW(DateTimeOffset utc)
    {
        var intoCycle = (utc.UtcTicks + _traits.FridgePhase.Ticks) % _traits.FridgePeriod.Ticks;
        var onFor = _traits.FridgePeriod.Ticks * 0.35;
        if (intoCycle >= onFor)
        {
            return 0;
        }

        // The compressor draws a short inrush before settling.
        return intoCycle < TimeSpan.TicksPerSecond * 3 ? 350 : 90;
    }

    private static double HeatPumpW(DateTime local, DateTimeOffset utc, DayPlan plan)
    {
        var demand = HeatingDemand(local, plan);
        if (demand <= 0.05)
        {
            return 0;
        }

        // Cycles once an hour, running for the fraction of the hour that the demand needs.
        var minuteOfHour = utc.Minute + (utc.Second / 60.0);
        return minuteOfHour < demand * 60 ? 900 + (demand * 2_200) : 0;
    }

    /// <summary>Heating demand 0..1 from a seasonal, daily-varying outdoor temperature and a night setback.</summary>
    private static double HeatingDemand(DateTime local, DayPlan plan)
    {
        var outdoor = OutdoorTemperatureC(local, plan);
        var setpoint = local.Hour is >= 6 and < 23 ? 20.0 : 16.0;
        return Math.Clamp((setpoint - 4 - outdoor) / 18, 0, 1);
    }

    private static double OutdoorTemperatureC(DateTime local, DayPlan plan)
    {
        var season = Math.Cos(2 * Math.PI * (local.DayOfYear - 200) / 365.25);
        var daily = Math.Cos(2 * Math.PI * (local.TimeOfDay.TotalHours - 15) / 24);
        return 10.5 + (7.5 * season) + (4 * daily) + plan.TemperatureOffsetC;
    }

    private double PvW(DateTimeOffset utc, DayPlan plan)
    {
        if (_traits.PvPeakW <= 0)
        {
            return 0;
        }

        var seasonal = Math.Sin(2 * Math.PI * (utc.DayOfYear - 80) / 365.25);
        var dayLengthHours = 12 + (4.3 * seasonal);
        var hours = utc.TimeOfDay.TotalHours;
        var sunrise = SolarNoonUtcHours - (dayLengthHours / 2);
        var x = (hours - sunrise) / dayLengthHours;
        if (x is <= 0 or >= 1)
        {
            return 0;
        }

        var elevation = Math.Pow(Math.Sin(Math.PI * x), 1.5) * (0.55 + (0.45 * seasonal));
        return _traits.PvPeakW * 0.85 * elevation * Cloudiness(utc, plan);
    }

    /// <summary>Passing clouds: the day's clearness varied smoothly between 5-minute nodes.</summary>
    private double Cloudiness(DateTimeOffset utc, DayPlan plan)
    {
        const long node = 300;
        var second = utc.ToUnixTimeSeconds();
        var index = Math.DivRem(second, node, out var into);
        var a = DeterministicNoise.Unit(_seed, index, 2);
        var b = DeterministicNoise.Unit(_seed, index + 1, 2);
        var variation = a + ((b - a) * into / node);
        return Math.Clamp(plan.Clearness + ((1 - plan.Clearness) * (variation - 0.5)), 0.05, 1);
    }

    private DayPlan PlanFor(DateOnly date)
    {
        if (_today?.Date == date)
        {
            return _today;
        }

        if (_yesterday?.Date == date)
        {
            return _yesterday;
        }

        var plan = DayPlan.Create(_seed, date, _traits);
        if (_today is null || date > _today.Date)
        {
            _yesterday = _today;
            _today = plan;
        }
        else
        {
            _yesterday = plan;
        }

        return plan;
    }
}
