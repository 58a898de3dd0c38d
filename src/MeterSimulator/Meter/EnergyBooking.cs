using P1Telemetry.Contracts.Domain;

namespace P1Telemetry.MeterSimulator.Meter;

/// <summary>
/// What the meter books over a span: the household's power and gas flow integrated second by second, as a meter
/// integrates continuously whatever its telegram interval. So a meter that reports every 10 s (DSMR 4) and one
/// that reports every second (DSMR 5) show the same registers and quarter-hour values at the same instant, and a
/// history written at 10 s is an exact subsample of the live meter's 1 s telegrams.
/// </summary>
internal readonly record struct EnergyBooking(long ImportT1J, long ImportT2J, long ExportT1J, long ExportT2J, double GasLitres)
{
    public long ImportJ => ImportT1J + ImportT2J;

    public static EnergyBooking operator +(EnergyBooking a, EnergyBooking b) =>
        new(a.ImportT1J + b.ImportT1J, a.ImportT2J + b.ImportT2J, a.ExportT1J + b.ExportT1J, a.ExportT2J + b.ExportT2J, a.GasLitres + b.GasLitres);

    public static EnergyBooking Add(EnergyBooking a, EnergyBooking b) => a + b;

    public MeterRegisters AsRegisters() => new(ImportT1J, ImportT2J, ExportT1J, ExportT2J, GasLitres);

    /// <summary>
    /// Books every second of (<paramref name="from"/>, <paramref name="to"/>], both on whole seconds; also sets
    /// <paramref name="lastPower"/> to the power of the second that ends at <paramref name="to"/> (default for an empty span).
    /// </summary>
    public static EnergyBooking Over(HouseholdProfile profile, DateTimeOffset from, DateTimeOffset to, out PhasePower lastPower)
    {
        long importDay = 0, importNight = 0, exportDay = 0, exportNight = 0;
        var gas = 0.0;
        lastPower = default;
        var second = from;
        while (second < to)
        {
            // The tariff switches on whole local hours, which are quarter-hour boundaries in UTC: it is constant
            // within a quarter, so each quarter (or the part of it in the span) is booked on one register.
            var chunkEnd = QuarterHour.EndOf(second);
            if (chunkEnd > to)
            {
                chunkEnd = to;
            }

            var local = TimeZoneInfo.ConvertTime(second, profile.TimeZone).DateTime;
            var day = BelgianTariffSchedule.TariffAt(local) == BelgianTariffSchedule.Day;
            long import = 0, export = 0;
            for (var t = second.AddSeconds(1); t <= chunkEnd; t = t.AddSeconds(1))
            {
                lastPower = profile.PowerAt(t);
                var watts = lastPower.Total;
                if (watts > 0)
                {
                    import += watts;
                }
                else
                {
                    export -= watts;
                }

                gas += profile.GasLitresPerSecondAt(t);
            }

            if (day)
            {
                importDay += import;
                exportDay += export;
            }
            else
            {
                importNight += import;
                exportNight += export;
            }

            second = chunkEnd;
        }

        return new EnergyBooking(importDay, importNight, exportDay, exportNight, gas);
    }

    /// <summary>Offtake energy in joules over (<paramref name="from"/>, <paramref name="to"/>], as <see cref="Over"/> books it.</summary>
    public static long ImportJoules(HouseholdProfile profile, DateTimeOffset from, DateTimeOffset to)
    {
        long import = 0;
        for (var t = from.AddSeconds(1); t <= to; t = t.AddSeconds(1))
        {
            import += Math.Max(0, profile.PowerAt(t).Total);
        }

        return import;
    }

    /// <summary>Gas in litres over (<paramref name="from"/>, <paramref name="to"/>], as <see cref="Over"/> books it.</summary>
    public static double GasLitresOver(HouseholdProfile profile, DateTimeOffset from, DateTimeOffset to)
    {
        var gas = 0.0;
        for (var t = from.AddSeconds(1); t <= to; t = t.AddSeconds(1))
        {
            gas += profile.GasLitresPerSecondAt(t);
        }

        return gas;
    }
}
