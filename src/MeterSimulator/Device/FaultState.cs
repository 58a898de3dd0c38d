namespace P1Telemetry.MeterSimulator.Device;

/// <summary>The faults in force; swapped atomically as a whole.</summary>
internal sealed class FaultState(SimulatorFaults initial)
{
    private SimulatorFaults _current = initial;

    public SimulatorFaults Current => Volatile.Read(ref _current);

    public void Set(SimulatorFaults faults) => Volatile.Write(ref _current, faults);

    /// <summary>The pending glitch, cleared so that it applies to one telegram only.</summary>
    public RegisterGlitch? TakeGlitch()
    {
        while (true)
        {
            var current = Current;
            if (current.Glitch is null)
            {
                return null;
            }

            if (Interlocked.CompareExchange(ref _current, current with { Glitch = null }, current) == current)
            {
                return current.Glitch;
            }
        }
    }
}
