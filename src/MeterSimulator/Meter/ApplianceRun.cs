namespace P1Telemetry.MeterSimulator.Meter;

/// <summary>
/// One appliance running for a while on a day, with its load per phase. A thermostat-driven appliance
/// (hob, oven) switches on for <see cref="DutyOn"/> of every <see cref="DutyPeriod"/>.
/// </summary>
internal sealed record ApplianceRun(
    DateTime LocalStart,
    TimeSpan Duration,
    double L1W,
    double L2W,
    double L3W,
    TimeSpan DutyPeriod = default,
    double DutyOn = 1.0)
{
    public bool IsOnAt(DateTime local)
    {
        if (local < LocalStart || local >= LocalStart + Duration)
        {
            return false;
        }

        if (DutyPeriod <= TimeSpan.Zero)
        {
            return true;
        }

        var intoPeriod = (local - LocalStart).Ticks % DutyPeriod.Ticks;
        return intoPeriod < DutyPeriod.Ticks * DutyOn;
    }
}
