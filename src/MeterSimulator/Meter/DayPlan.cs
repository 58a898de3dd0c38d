namespace P1Telemetry.MeterSimulator.Meter;

/// <summary>
/// What the household does on one local day: appliance runs, hot-water draws, the weather (outdoor
/// temperature offset, cloudiness). Derived from the seed and the date only.
/// </summary>
internal sealed class DayPlan
{
    private DayPlan(DateOnly date, IReadOnlyList<ApplianceRun> runs, IReadOnlyList<ApplianceRun> hotWater,
        double temperatureOffsetC, double clearness)
    {
        Date = date;
        Runs = runs;
        HotWater = hotWater;
        TemperatureOffsetC = temperatureOffsetC;
        Clearness = clearness;
    }

    public DateOnly Date { get; }

    public IReadOnlyList<ApplianceRun> Runs { get; }

    /// <summary>Gas draws for showers and the tap; L1W holds the flow in litres per hour.</summary>
    public IReadOnlyList<ApplianceRun> HotWater { get; }

    public double TemperatureOffsetC { get; }

    /// <summary>0 = overcast all day, 1 = clear sky.</summary>
    public double Clearness { get; }

    public static DayPlan Create(int seed, DateOnly date, HouseholdTraits traits)
    {
        var rng = new Random(DeterministicNoise.RandomSeed(seed, 0xDA7, date.DayNumber));
        var midnight = date.ToDateTime(TimeOnly.MinValue);
        var weekend = date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
        var runs = new List<ApplianceRun>();

        DateTime At(double fromHour, double toHour) =>
            midnight.AddMinutes(Math.Round((fromHour + (rng.NextDouble() * (toHour - fromHour))) * 60));

        // Breakfast: the kettle, later at weekends.
        runs.Add(new ApplianceRun(weekend ? At(8, 10) : At(6.5, 8), TimeSpan.FromMinutes(3 + rng.Next(0, 2)), 2_200, 0, 0));

        if (weekend && rng.NextDouble() < 0.7)
        {
            runs.Add(new ApplianceRun(At(12, 13), TimeSpan.FromMinutes(4), 0, 1_200, 0));
        }

        // Dinner on the hob (two phases, thermostat cycling), sometimes with the oven.
        if (rng.NextDouble() < 0.9)
        {
            var start = At(17.5, 19.5);
            var hob = 1_800 + (rng.NextDouble() * 1_400);
            runs.Add(new ApplianceRun(start, TimeSpan.FromMinutes(25 + rng.Next(0, 35)), 0, hob / 2, hob / 2,
                TimeSpan.FromSeconds(60), 0.7));
            if (rng.NextDouble() < 0.3)
            {
                runs.Add(new ApplianceRun(start.AddMinutes(-10), TimeSpan.FromMinutes(45), 0, 0, 2_300,
                    TimeSpan.FromMinutes(3), 0.6));
            }
        }

        // Dishwasher: heat, wash, heat again.
        if (rng.NextDouble() < 0.6)
        {
            var start = At(20.5, 22.5);
            runs.Add(new ApplianceRun(start, TimeSpan.FromMinutes(20), 2_000, 0, 0));
            runs.Add(new ApplianceRun(start.AddMinutes(20), TimeSpan.FromMinutes(60), 150, 0, 0));
            runs.Add(new ApplianceRun(start.AddMinutes(80), TimeSpan.FromMinutes(15), 2_000, 0, 0));
        }

        // Washing machine.
        if (rng.NextDouble() < (weekend ? 0.6 : 0.3))
        {
            var start = At(9, 15);
            runs.Add(new ApplianceRun(start, TimeSpan.FromMinutes(20), 0, 0, 2_100));
            runs.Add(new ApplianceRun(start.AddMinutes(20), TimeSpan.FromMinutes(60), 0, 0, 300));
        }

        // EV charging after coming home: the big quarter-hour peaks of the month.
        if (traits.HasEv && rng.NextDouble() < 0.45)
        {
            var duration = TimeSpan.FromMinutes(90 + rng.Next(0, 180));
            var run = traits.EvThreePhase
                ? new ApplianceRun(At(18, 21), duration, traits.EvPowerW / 3, traits.EvPowerW / 3, traits.EvPowerW / 3)
                : new ApplianceRun(At(18, 21), duration, 0, traits.EvPowerW, 0);
            runs.Add(run);
        }

        var hotWater = new List<ApplianceRun>
        {
            new(weekend ? At(8, 10) : At(6.5, 7.5), TimeSpan.FromMinutes(6 + rng.Next(0, 8)), 1_500, 0, 0),
            new(At(19, 22.5), TimeSpan.FromMinutes(rng.Next(0, 10)), 1_500, 0, 0),
        };

        return new DayPlan(date, runs, hotWater, (rng.NextDouble() * 8) - 4, 0.15 + (rng.NextDouble() * 0.85));
    }
}
