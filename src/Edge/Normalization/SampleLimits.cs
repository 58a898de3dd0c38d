using System.Globalization;
using P1Telemetry.Contracts.Wire;

namespace P1Telemetry.Edge.Normalization;

/// <summary>
/// Values no meter can show: the server refuses them too (422), so the edge quarantines them before they
/// reach the spool instead of sending them.
/// </summary>
public static class SampleLimits
{
    /// <summary>The largest register value (kWh or m³) a sample may carry; a real register has at most 6 integer digits.</summary>
    public const double MaxRegister = 1e9;

    /// <summary>Why <paramref name="sample"/> is impossible, or null when it is not.</summary>
    public static string? Problem(Sample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        return Register(sample.EnergyImportKwh, "energy_import_kwh", "kWh")
            ?? Register(sample.EnergyExportKwh, "energy_export_kwh", "kWh")
            ?? (sample.GasM3 is { } gas ? Register(gas, "gas_m3", "m³") : null);
    }

    public static void ThrowIfImpossible(Sample sample)
    {
        if (Problem(sample) is { } problem)
        {
            throw new InvalidReadingException(problem);
        }
    }

    private static string? Register(double value, string name, string unit) =>
        value > MaxRegister
            ? string.Create(CultureInfo.InvariantCulture, $"{name} = {value} {unit} is above {MaxRegister:0.#####E+0} {unit}, more than any meter register shows")
            : null;
}
