namespace P1Telemetry.MeterSimulator.Meter;

/// <summary>
/// The Belgian two-rate schedule: the reduced (night) rate runs weekdays 22:00–07:00 local and all weekend;
/// Belgian meters book it on register 2 (1-0:1.8.2 / 2.8.2) and the day rate on register 1.
/// </summary>
public static class BelgianTariffSchedule
{
    public const int Day = 1;
    public const int Night = 2;

    public static int TariffAt(DateTime localTime)
    {
        if (localTime.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            return Night;
        }

        return localTime.Hour is >= 7 and < 22 ? Day : Night;
    }
}
