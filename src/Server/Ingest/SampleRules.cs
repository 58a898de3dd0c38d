using System.Globalization;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.Server.Auth;

namespace P1Telemetry.Server.Ingest;

/// <summary>
/// The value rules of a sample that the serializer read: its device, a plausible timestamp, registers that are
/// neither negative nor corrupt, and <c>import_power_w = max(power_w, 0)</c>. Collects what a batch's samples
/// break into the answer for the batch.
/// </summary>
internal sealed class SampleRules(string caller, DateTimeOffset now, TimeSpan maxClockSkew)
{
    /// <summary>No household meter's register reaches 10^9 kWh or m³; such a value is corrupt.</summary>
    private const double MaxRegister = 1e9;

    /// <summary>Nothing this old comes from a working meter; it is a clock that was never set.</summary>
    private static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly DateTimeOffset _latest = now + maxClockSkew;
    private int? _foreignIndex;
    private string? _foreignDevice;

    public SampleErrorList Errors { get; } = new();

    /// <summary>
    /// Records every rule that sample <paramref name="index"/> breaks; when it breaks none, the sample with its
    /// timestamps in UTC, as they are stored and echoed.
    /// </summary>
    public Sample? Check(Sample? sample, int index)
    {
        var before = Errors.Count;
        if (sample is null)
        {
            Errors.Add(index, "", "a sample must be a JSON object, not null");
            return null;
        }

        var ownDevice = CheckDevice(sample.DeviceId, index);
        CheckTimestamp(sample.Ts, index);
        NotNegative(sample.ImportPowerW, index, "import_power_w");
        Register(sample.EnergyImportKwh, index, "energy_import_kwh");
        Register(sample.EnergyExportKwh, index, "energy_export_kwh");
        NotNegative(sample.AveragePower15mW, index, "average_power_15m_w");
        NotNegative(sample.MonthlyPowerPeakW, index, "monthly_power_peak_w");
        Register(sample.GasM3, index, "gas_m3");
        if (sample.ImportPowerW >= 0 && sample.ImportPowerW != Math.Max(sample.PowerW, 0))
        {
            Errors.Add(index, "import_power_w", $"must equal max(power_w, 0) = {Math.Max(sample.PowerW, 0)}, got {sample.ImportPowerW}");
        }

        if (Errors.Count != before || !ownDevice)
        {
            return null;
        }

        return IsUtc(sample.Ts) && IsUtc(sample.MonthlyPowerPeakTs) && IsUtc(sample.GasTs)
            ? sample
            : sample with { Ts = sample.Ts.ToUniversalTime(), MonthlyPowerPeakTs = sample.MonthlyPowerPeakTs?.ToUniversalTime(), GasTs = sample.GasTs?.ToUniversalTime() };
    }

    /// <summary>The answer for a batch of <paramref name="count"/> samples whose valid ones are <paramref name="valid"/>.</summary>
    public IngestBatch Verdict(int count, List<Sample> valid)
    {
        if (_foreignIndex is not null)
        {
            return IngestBatch.Forbidden($"Sample {_foreignIndex} carries device_id '{_foreignDevice}' but the token belongs to device '{caller}'.");
        }

        if (count == 0)
        {
            return IngestBatch.Structural("The batch is empty: 'samples' holds no sample.");
        }

        if (Errors.Count == 0)
        {
            return IngestBatch.Valid(valid);
        }

        var listed = Errors.Count > Errors.Listed.Count ? $" The first {Errors.Listed.Count} of {Errors.Count} problems are listed." : string.Empty;
        return Errors.OnlyFutureTimestamps
            ? IngestBatch.ClockSkew($"{Errors.BadSamples} of {count} samples are further in the future than MAX_CLOCK_SKEW_S allows; nothing was stored.{listed}", Errors)
            : IngestBatch.Invalid($"{Errors.BadSamples} of {count} samples are invalid; nothing was stored.{listed}", Errors);
    }

    /// <summary>False for another device's sample (the batch is forbidden) or an id that is no device id.</summary>
    private bool CheckDevice(string? deviceId, int index)
    {
        if (string.Equals(deviceId, caller, StringComparison.Ordinal))
        {
            return true;
        }

        if (deviceId is null)
        {
            Errors.Add(index, "device_id", "must be a string, not null");
        }
        else if (!DeviceIdFormat.IsValid(deviceId))
        {
            Errors.Add(index, "device_id", $"must be {DeviceIdFormat.Description}");
        }
        else if (_foreignIndex is null)
        {
            _foreignIndex = index;
            _foreignDevice = deviceId;
        }

        return false;
    }

    private void CheckTimestamp(DateTimeOffset ts, int index)
    {
        var instant = ts.ToUniversalTime();
        if (instant < Earliest)
        {
            Errors.Add(index, "ts", $"{instant:O} is before {Earliest:yyyy-MM-dd}: the clock was not set");
        }
        else if (instant > _latest)
        {
            Errors.AddFuture(index, "ts", $"{instant:O} is in the future (server time {now:O})");
        }
    }

    private void NotNegative(int? value, int index, string field)
    {
        if (value < 0)
        {
            Errors.Add(index, field, $"must not be negative, got {value}");
        }
    }

    private void Register(double? value, int index, string field)
    {
        if (value is { } number && !double.IsFinite(number))
        {
            // The serializer reads a number beyond the double range, such as 1e999, as infinity.
            Errors.Add(index, field, $"must be a finite number, got {Format(number)}");
        }
        else if (value < 0)
        {
            Errors.Add(index, field, $"must not be negative, got {Format(value.Value)}");
        }
        else if (value > MaxRegister)
        {
            Errors.Add(index, field, $"must be at most 1e9, got {Format(value.Value)}");
        }
    }

    private static bool IsUtc(DateTimeOffset? instant) => instant is not { } value || value.Offset == TimeSpan.Zero;

    private static string Format(double value) => SampleErrorList.Quote(value.ToString("R", CultureInfo.InvariantCulture));
}
