namespace P1Telemetry.MeterSimulator.Meter;

/// <summary>The meter's cumulative registers, electricity in joules (so integer watts × seconds add up exactly).</summary>
public readonly record struct MeterRegisters(long ImportT1J, long ImportT2J, long ExportT1J, long ExportT2J, double GasLitres)
{
    public static MeterRegisters operator -(MeterRegisters a, MeterRegisters b) =>
        new(a.ImportT1J - b.ImportT1J, a.ImportT2J - b.ImportT2J, a.ExportT1J - b.ExportT1J, a.ExportT2J - b.ExportT2J, a.GasLitres - b.GasLitres);

    public static MeterRegisters Subtract(MeterRegisters a, MeterRegisters b) => a - b;

    /// <summary>Each register at the higher of the two readings.</summary>
    public static MeterRegisters Max(MeterRegisters a, MeterRegisters b) =>
        new(Math.Max(a.ImportT1J, b.ImportT1J), Math.Max(a.ImportT2J, b.ImportT2J), Math.Max(a.ExportT1J, b.ExportT1J),
            Math.Max(a.ExportT2J, b.ExportT2J), Math.Max(a.GasLitres, b.GasLitres));
}
