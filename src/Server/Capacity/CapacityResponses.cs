using System.Text.Json.Serialization;
using P1Telemetry.Contracts.Domain;

namespace P1Telemetry.Server.Capacity;

/// <summary>The answer to <c>GET /v1/capacity/month/{YYYY-MM}</c>.</summary>
public sealed record CapacityMonthResponse
{
    [JsonPropertyName("month")]
    public required string Month { get; init; }

    [JsonPropertyName("device_id")]
    public required string DeviceId { get; init; }

    [JsonPropertyName("timezone")]
    public required string TimeZone { get; init; }

    /// <summary>The month's first instant, with the local offset.</summary>
    [JsonPropertyName("from")]
    public required DateTimeOffset From { get; init; }

    /// <summary>The next month's first instant, with the local offset.</summary>
    [JsonPropertyName("to")]
    public required DateTimeOffset To { get; init; }

    /// <summary>False while the month is still running: the values so far, without the quarter in progress.</summary>
    [JsonPropertyName("complete")]
    public required bool Complete { get; init; }

    /// <summary>Every quarter of the month that the data covers, in time order.</summary>
    [JsonPropertyName("peaks")]
    public required IReadOnlyList<QuarterPeak> Peaks { get; init; }

    /// <summary>
    /// <see cref="Peaks"/> already written as a JSON array, which <see cref="CapacityMonthJson"/> embeds instead of
    /// writing the list: a month's settled days are cached that way.
    /// </summary>
    [JsonIgnore]
    public ReadOnlyMemory<byte> PeaksJson { get; init; } = QuarterPeaksJson.EmptyArray;

    /// <summary>Runs of quarters the data does not cover (never counted as peaks).</summary>
    [JsonPropertyName("gaps")]
    public required IReadOnlyList<QuarterGap> Gaps { get; init; }

    [JsonPropertyName("gap_quarters")]
    public required int GapQuarters { get; init; }

    [JsonPropertyName("monthly_peak_w")]
    public double? MonthlyPeakW { get; init; }

    /// <summary>The start (UTC) of the quarter that set the monthly peak.</summary>
    [JsonPropertyName("monthly_peak_ts")]
    public DateTimeOffset? MonthlyPeakTs { get; init; }

    [JsonPropertyName("billed_peak_w")]
    public double? BilledPeakW { get; init; }

    [JsonPropertyName("rolling_12m_average_w")]
    public double? Rolling12mAverageW { get; init; }

    /// <summary>How many months with data the rolling average is the mean of (fewer than 12 early in a history).</summary>
    [JsonPropertyName("rolling_12m_months")]
    public int? Rolling12mMonths { get; init; }

    [JsonPropertyName("tariff_eur_per_kw_year")]
    public decimal? TariffEurPerKwYear { get; init; }

    [JsonPropertyName("vat_pct")]
    public decimal? VatPct { get; init; }

    [JsonPropertyName("cost_eur_excl_vat")]
    public decimal? CostEurExclVat { get; init; }

    [JsonPropertyName("cost_eur_incl_vat")]
    public decimal? CostEurInclVat { get; init; }

    /// <summary>The meter's own monthly peak, from the month's last reading that carried it.</summary>
    [JsonPropertyName("monthly_power_peak_w")]
    public int? MonthlyPowerPeakW { get; init; }

    [JsonPropertyName("monthly_power_peak_ts")]
    public DateTimeOffset? MonthlyPowerPeakTs { get; init; }

    /// <summary>The month's peak from the meter's own history (0-0:98.1.0), once the meter closed the month.</summary>
    [JsonPropertyName("meter_peak_w")]
    public int? MeterPeakW { get; init; }

    [JsonPropertyName("meter_peak_ts")]
    public DateTimeOffset? MeterPeakTs { get; init; }

    /// <summary>The months the rolling average is the mean of, oldest first, each with where its peak comes from.</summary>
    [JsonPropertyName("rolling_12m_window")]
    public IReadOnlyList<RollingMonth> Rolling12mWindow { get; init; } = [];

    /// <summary>The month's five highest quarters (fewer when fewer are covered), highest first, the earlier first on a tie.</summary>
    [JsonPropertyName("top_quarters")]
    public IReadOnlyList<QuarterPeak> TopQuarters { get; init; } = [];

    /// <summary>
    /// One entry per local day of the month up to the quarter in progress, in date order: its highest quarter, or
    /// nulls for a day without a covered quarter, and the day's gap quarters.
    /// </summary>
    [JsonPropertyName("daily_peaks")]
    public IReadOnlyList<DailyPeakResponse> DailyPeaks { get; init; } = [];
}

/// <summary>The highest quarter of one local day.</summary>
public sealed record DailyPeakResponse
{
    [JsonPropertyName("date")]
    public required DateOnly Date { get; init; }

    /// <summary>The day's highest quarter value; null for a day without a covered quarter.</summary>
    [JsonPropertyName("peak_w")]
    public double? PeakW { get; init; }

    /// <summary>The start (UTC) of that quarter.</summary>
    [JsonPropertyName("peak_ts")]
    public DateTimeOffset? PeakTs { get; init; }

    [JsonPropertyName("gap_quarters")]
    public required int GapQuarters { get; init; }
}

/// <summary>One month that counts in a rolling 12-month average.</summary>
public sealed record RollingMonth
{
    [JsonPropertyName("month")]
    public required string Month { get; init; }

    /// <summary>The billed peak (at least 2.5 kW) the average uses.</summary>
    [JsonPropertyName("billed_peak_w")]
    public required double BilledPeakW { get; init; }

    /// <summary><c>computed</c> from the samples, or <c>meter</c> from the meter's own history for a month without samples.</summary>
    [JsonPropertyName("source")]
    public required string Source { get; init; }
}

/// <summary>One covered quarter-hour.</summary>
public sealed record QuarterPeak
{
    [JsonPropertyName("start")]
    public required DateTimeOffset Start { get; init; }

    [JsonPropertyName("end")]
    public required DateTimeOffset End { get; init; }

    /// <summary>Offtake energy in the quarter × 4 (W), from the interpolated import register.</summary>
    [JsonPropertyName("average_power_w")]
    public required double AveragePowerW { get; init; }

    [JsonPropertyName("samples")]
    public required long Samples { get; init; }

    /// <summary>The mean of the quarter's import_power_w readings; equal to average_power_w for complete data.</summary>
    [JsonPropertyName("mean_import_power_w")]
    public required double MeanImportPowerW { get; init; }

    /// <summary>A quarter value as the month view shows it, its powers rounded to 0.1 W.</summary>
    public static QuarterPeak From(QuarterValue quarter)
    {
        return new QuarterPeak
        {
            Start = quarter.Start,
            End = quarter.End,
            AveragePowerW = Math.Round(quarter.AveragePowerW, 1),
            Samples = quarter.SampleCount,
            MeanImportPowerW = Math.Round(quarter.MeanImportPowerW, 1),
        };
    }
}

/// <summary>A run of consecutive quarters without a value.</summary>
public sealed record QuarterGap
{
    [JsonPropertyName("start")]
    public required DateTimeOffset Start { get; init; }

    [JsonPropertyName("end")]
    public required DateTimeOffset End { get; init; }

    [JsonPropertyName("quarters")]
    public required int Quarters { get; init; }
}

/// <summary>The answer to <c>GET /v1/capacity/year/{YYYY}</c>: what to compare with the grid operator's bills.</summary>
public sealed record CapacityYearResponse
{
    [JsonPropertyName("year")]
    public required int Year { get; init; }

    [JsonPropertyName("device_id")]
    public required string DeviceId { get; init; }

    [JsonPropertyName("timezone")]
    public required string TimeZone { get; init; }

    [JsonPropertyName("months")]
    public required IReadOnlyList<CapacityYearMonth> Months { get; init; }

    [JsonPropertyName("tariff_eur_per_kw_year")]
    public decimal? TariffEurPerKwYear { get; init; }

    [JsonPropertyName("vat_pct")]
    public decimal? VatPct { get; init; }

    /// <summary>The sum of the months' costs; null without a tariff.</summary>
    [JsonPropertyName("cost_eur_excl_vat")]
    public decimal? CostEurExclVat { get; init; }

    [JsonPropertyName("cost_eur_incl_vat")]
    public decimal? CostEurInclVat { get; init; }
}

/// <summary>One month of the year view; all values null for a month without data.</summary>
public sealed record CapacityYearMonth
{
    [JsonPropertyName("month")]
    public required string Month { get; init; }

    [JsonPropertyName("monthly_peak_w")]
    public double? MonthlyPeakW { get; init; }

    [JsonPropertyName("monthly_peak_ts")]
    public DateTimeOffset? MonthlyPeakTs { get; init; }

    [JsonPropertyName("billed_peak_w")]
    public double? BilledPeakW { get; init; }

    [JsonPropertyName("rolling_12m_average_w")]
    public double? Rolling12mAverageW { get; init; }

    [JsonPropertyName("cost_eur_excl_vat")]
    public decimal? CostEurExclVat { get; init; }

    [JsonPropertyName("cost_eur_incl_vat")]
    public decimal? CostEurInclVat { get; init; }

    [JsonPropertyName("gap_quarters")]
    public int GapQuarters { get; init; }

    /// <summary>The month's peak from the meter's own history (0-0:98.1.0).</summary>
    [JsonPropertyName("meter_peak_w")]
    public int? MeterPeakW { get; init; }

    [JsonPropertyName("meter_peak_ts")]
    public DateTimeOffset? MeterPeakTs { get; init; }

    /// <summary>Which peak of this month the rolling averages use: <c>computed</c>, <c>meter</c>, or null without either.</summary>
    [JsonPropertyName("source")]
    public string? Source { get; init; }
}
