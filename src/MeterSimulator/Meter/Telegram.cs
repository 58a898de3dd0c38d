namespace P1Telemetry.MeterSimulator.Meter;

/// <summary>
/// One meter telegram as the dongle decodes it: registers in whole Wh (the meter's resolution), meter-local
/// timestamps without offset (as HomeWizard reports them) next to the UTC instant they stand for.
/// </summary>
public sealed record Telegram
{
    /// <summary>The instant the telegram was taken, UTC.</summary>
    public required DateTimeOffset TsUtc { get; init; }

    /// <summary>The meter's own clock: local wall time, no offset, 1 s resolution.</summary>
    public required DateTime MeterTimestamp { get; init; }

    /// <summary>Active tariff: 1 = day (normal), 2 = night/weekend (reduced), as Belgian meters number them.</summary>
    public required int Tariff { get; init; }

    public required long ImportT1Wh { get; init; }
    public required long ImportT2Wh { get; init; }
    public required long ExportT1Wh { get; init; }
    public required long ExportT2Wh { get; init; }

    /// <summary>Net power (sum of the phases), negative while exporting.</summary>
    public required int PowerW { get; init; }
    public required int PowerL1W { get; init; }
    public required int PowerL2W { get; init; }
    public required int PowerL3W { get; init; }

    public required double VoltageL1V { get; init; }
    public required double VoltageL2V { get; init; }
    public required double VoltageL3V { get; init; }

    /// <summary>Offtake energy so far in the current clock quarter-hour × 4 (OBIS 1-0:1.4.0), in W.</summary>
    public required int AveragePower15mW { get; init; }

    /// <summary>Highest completed quarter-hour value of the local month (OBIS 1-0:1.6.0); null before the first.</summary>
    public int? MonthlyPowerPeakW { get; init; }

    /// <summary>Local end of the quarter-hour that set <see cref="MonthlyPowerPeakW"/>.</summary>
    public DateTime? MonthlyPowerPeakTimestamp { get; init; }

    /// <summary>The same instant as <see cref="MonthlyPowerPeakTimestamp"/>, in UTC (unambiguous in the repeated DST hour).</summary>
    public DateTimeOffset? MonthlyPowerPeakTsUtc { get; init; }

    /// <summary>Gas register in litres, as last reported by the gas meter (every 5 minutes).</summary>
    public required long GasLitres { get; init; }

    /// <summary>Local time of the last gas reading.</summary>
    public required DateTime GasTimestamp { get; init; }

    public required DateTimeOffset GasTsUtc { get; init; }

    /// <summary>Sum of the offtake tariff registers, kWh.</summary>
    public double EnergyImportKwh => (ImportT1Wh + ImportT2Wh) / 1000.0;

    /// <summary>Sum of the injection tariff registers, kWh.</summary>
    public double EnergyExportKwh => (ExportT1Wh + ExportT2Wh) / 1000.0;

    public double GasM3 => GasLitres / 1000.0;

    /// <summary>Current per phase in A (signed like the power), as the meter derives it.</summary>
    public double CurrentL1A => Current(PowerL1W, VoltageL1V);
    public double CurrentL2A => Current(PowerL2W, VoltageL2V);
    public double CurrentL3A => Current(PowerL3W, VoltageL3V);

    public double CurrentA => Math.Round(Math.Abs(CurrentL1A) + Math.Abs(CurrentL2A) + Math.Abs(CurrentL3A), 3);

    private static double Current(int powerW, double voltageV) => Math.Round(powerW / voltageV, 3);
}
