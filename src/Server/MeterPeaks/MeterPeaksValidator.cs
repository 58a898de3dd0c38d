using P1Telemetry.Contracts.Domain;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.Server.ReadPath;

namespace P1Telemetry.Server.MeterPeaks;

/// <summary>Checks a meter-peaks body; every problem names the field and the index, like ingest's sample errors.</summary>
internal static class MeterPeaksValidator
{
    /// <summary>Thirteen months is what meters keep; a few years leave room for an edge that was offline long.</summary>
    public const int MaxPeaks = 60;

    public const int MaxPeakW = 1_000_000;

    public static List<string> Validate(MeterPeaksRequest request, LocalCalendar calendar, DateTimeOffset now, TimeSpan maxSkew,
        out List<StoredMeterPeak> peaks, out StoredMeterState? state)
    {
        var errors = new List<string>();
        peaks = [];
        state = null;
        if (request.Peaks is null)
        {
            errors.Add("peaks: required (an array, possibly empty)");
            return errors;
        }

        if (request.Peaks.Count > MaxPeaks)
        {
            errors.Add($"peaks: at most {MaxPeaks} months per request, got {request.Peaks.Count}");
            return errors;
        }

        var seen = new HashSet<LocalMonth>();
        for (var i = 0; i < request.Peaks.Count; i++)
        {
            var peak = request.Peaks[i];
            if (peak is null)
            {
                errors.Add($"peaks[{i}]: must be an object");
                continue;
            }

            if (!LocalMonth.TryParse(peak.Month, out var month) || month.Year < ReadLimits.FirstYear || month.Year > ReadLimits.LastYear)
            {
                errors.Add($"peaks[{i}].month: '{ReadProblems.Shorten(peak.Month)}' is not a month YYYY-MM");
                continue;
            }

            if (!seen.Add(month))
            {
                errors.Add($"peaks[{i}].month: {month} appears twice");
                continue;
            }

            if (peak.PeakW is not { } watts || watts < 0 || watts > MaxPeakW)
            {
                errors.Add($"peaks[{i}].peak_w: required, 0 to {MaxPeakW} W");
                continue;
            }

            var range = calendar.Month(month);
            if (peak.PeakTs is not { } ts || ts < range.Start || ts > range.End)
            {
                errors.Add($"peaks[{i}].peak_ts: required, an instant within {month} ({range.Start:o} to {range.End:o})");
                continue;
            }

            if (ts > now + maxSkew)
            {
                errors.Add($"peaks[{i}].peak_ts: {ts:o} lies in the future");
                continue;
            }

            peaks.Add(new StoredMeterPeak(month, watts, Storage.StorageTime.Truncate(ts)));
        }

        if (request.MeterState is { } meterState)
        {
            if (meterState.ObservedAt is not { } observed || observed > now + maxSkew)
            {
                errors.Add("meter_state.observed_at: required, not in the future");
            }
            else if (meterState.Source is { Length: > 32 })
            {
                errors.Add("meter_state.source: at most 32 characters");
            }
            else
            {
                state = new StoredMeterState(meterState.Source, meterState.ClockStalled, meterState.BelgianFieldsMissing,
                    Storage.StorageTime.Truncate(observed));
            }
        }

        return errors;
    }
}
