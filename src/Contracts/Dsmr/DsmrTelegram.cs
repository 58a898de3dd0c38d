namespace P1Telemetry.Contracts.Dsmr;

/// <summary>
/// The registers of one P1 telegram that the product uses, in the meter's own units (kWh, kW, m³) and exact
/// decimals. Everything is optional: DSMR 2.2 has no timestamp, non-Belgian meters no 1-0:1.4.0/1.6.0.
/// </summary>
public sealed record DsmrTelegram
{
    /// <summary>The identification line without its leading <c>/</c>, e.g. <c>FLU5\253769484_A</c>.</summary>
    public required string Header { get; init; }

    /// <summary>1-3:0.2.8 (Dutch DSMR version, e.g. <c>50</c>).</summary>
    public string? DsmrVersion { get; init; }

    /// <summary>0-0:96.1.4 (Belgian e-MUCS version, e.g. <c>50217</c>).</summary>
    public string? BelgianVersion { get; init; }

    /// <summary>0-0:96.1.1, the meter's equipment id (hex-encoded ASCII).</summary>
    public string? EquipmentId { get; init; }

    /// <summary>0-0:1.0.0, the telegram's own time.</summary>
    public DsmrTimestamp? Timestamp { get; init; }

    /// <summary>0-0:96.14.0, the active tariff.</summary>
    public int? Tariff { get; init; }

    public decimal? ImportT1Kwh { get; init; }
    public decimal? ImportT2Kwh { get; init; }
    public decimal? ExportT1Kwh { get; init; }
    public decimal? ExportT2Kwh { get; init; }

    /// <summary>1-0:1.7.0, offtake power.</summary>
    public decimal? PowerImportKw { get; init; }

    /// <summary>1-0:2.7.0, injection power.</summary>
    public decimal? PowerExportKw { get; init; }

    public decimal? PowerL1ImportKw { get; init; }
    public decimal? PowerL2ImportKw { get; init; }
    public decimal? PowerL3ImportKw { get; init; }
    public decimal? PowerL1ExportKw { get; init; }
    public decimal? PowerL2ExportKw { get; init; }
    public decimal? PowerL3ExportKw { get; init; }

    /// <summary>1-0:1.4.0, the running average of the current quarter-hour.</summary>
    public decimal? QuarterAverageKw { get; init; }

    /// <summary>1-0:1.6.0, the month's highest quarter-hour so far...</summary>
    public decimal? MonthPeakKw { get; init; }

    /// <summary>...and when it happened.</summary>
    public DsmrTimestamp? MonthPeakAt { get; init; }

    /// <summary>0-0:98.1.0, the last months' peaks, oldest first; null when the telegram has none.</summary>
    public IReadOnlyList<DsmrMonthPeak>? PeakHistory { get; init; }

    /// <summary>The gas meter's register (24.2.1 or 24.2.3 on the M-Bus channel of device type 3).</summary>
    public decimal? GasM3 { get; init; }

    public DsmrTimestamp? GasAt { get; init; }

    /// <summary>M-Bus channel of the gas meter (1-4), as written in front of its OBIS codes.</summary>
    public int GasChannel { get; init; } = 1;

    /// <summary>True when the quarter-hour average or the month peak is present (a Belgian meter's fields).</summary>
    public bool HasBelgianFields => QuarterAverageKw is not null || MonthPeakKw is not null;
}

/// <summary>
/// One entry of 0-0:98.1.0. <paramref name="MonthStart"/> is the first instant of the month after the one the peak
/// belongs to (how meters write it); an empty month has no <paramref name="PeakAt"/> and 0 kW.
/// </summary>
public sealed record DsmrMonthPeak(DsmrTimestamp MonthStart, DsmrTimestamp? PeakAt, decimal PeakKw)
{
    /// <summary>The local month the peak belongs to (the month before <see cref="MonthStart"/>).</summary>
    public Domain.LocalMonth Month => new Domain.LocalMonth(MonthStart.Local.Year, MonthStart.Local.Month).AddMonths(-1);

    public bool IsEmpty => PeakAt is null;
}
