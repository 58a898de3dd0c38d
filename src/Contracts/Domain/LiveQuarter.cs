namespace P1Telemetry.Contracts.Domain;

/// <summary>The quarter-hour in progress, as the capacity tariff will see it.</summary>
/// <param name="Start">The quarter's start, UTC.</param>
/// <param name="End">The quarter's end, UTC.</param>
/// <param name="ElapsedSeconds">Time since the quarter started.</param>
/// <param name="AveragePowerSoFarW">Offtake energy so far in this quarter × 4, in W (the meter's 1-0:1.4.0).</param>
/// <param name="ProjectedAveragePowerW">The quarter's value if the current import power holds until its end.</param>
/// <param name="MonthPeakSoFarW">The month's highest completed quarter so far; null early in a month without data.</param>
/// <param name="HeadroomW">How far the projection stays below the value that would raise the bill: the month's
/// peak so far, or the 2.5 kW billed minimum when that is higher. Negative when the projection exceeds it.</param>
public sealed record LiveQuarter(
    DateTimeOffset Start,
    DateTimeOffset End,
    double ElapsedSeconds,
    double AveragePowerSoFarW,
    double ProjectedAveragePowerW,
    double? MonthPeakSoFarW,
    double HeadroomW)
{
    /// <summary>
    /// Computes the live quarter at <paramref name="now"/>.
    /// </summary>
    /// <param name="now">The server clock.</param>
    /// <param name="slots">The rollup rows of the previous and the current quarter, ordered (either may be absent).</param>
    /// <param name="latest">The latest reading of the device.</param>
    /// <param name="monthPeakSoFarW">The month's peak among completed quarters.</param>
    /// <remarks>
    /// The energy so far is the import register at the latest reading minus the register interpolated at the
    /// quarter's start, plus the current import power over the seconds since the latest reading. When the
    /// quarter's start lies in a gap longer than <see cref="QuarterValues.MaxInterpolationGap"/> it counts from
    /// the quarter's first reading; when no reading has arrived in the quarter yet, the current power is
    /// assumed since its start.
    /// </remarks>
    public static LiveQuarter Compute(
        DateTimeOffset now,
        IReadOnlyList<QuarterSlot> slots,
        LatestReading latest,
        double? monthPeakSoFarW)
    {
        ArgumentNullException.ThrowIfNull(slots);
        var start = QuarterHour.StartOf(now);
        var end = start + QuarterHour.Length;
        var importKw = Math.Max(latest.ImportPowerW, 0) / 1000.0;

        double energyKwh;
        if (latest.Ts < start)
        {
            energyKwh = importKw * (now - start).TotalHours;
        }
        else
        {
            var timeline = new RegisterTimeline(slots);
            var startRegister = timeline.ImportAt(start, QuarterValues.MaxInterpolationGap)
                ?? slots.Where(slot => slot.Start == start && slot.SampleCount > 0)
                    .Select(slot => (double?)slot.FirstImportKwh)
                    .FirstOrDefault()
                ?? latest.ImportKwh;
            var sinceLatest = now > latest.Ts ? (now - latest.Ts).TotalHours : 0;
            energyKwh = Math.Max(latest.ImportKwh - startRegister, 0) + (importKw * sinceLatest);
        }

        var remainingHours = (end - now).TotalHours;
        var soFarW = energyKwh * 4000.0;
        var projectedW = (energyKwh + (importKw * remainingHours)) * 4000.0;
        var threshold = Math.Max(monthPeakSoFarW ?? 0, CapacityTariff.MinimumBilledPeakW);
        return new LiveQuarter(
            start,
            end,
            (now - start).TotalSeconds,
            soFarW,
            projectedW,
            monthPeakSoFarW,
            threshold - projectedW);
    }
}

/// <summary>The parts of the latest sample the live quarter needs.</summary>
public readonly record struct LatestReading(DateTimeOffset Ts, double ImportKwh, int ImportPowerW);
