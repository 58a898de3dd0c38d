using P1Telemetry.Contracts.Domain;
using P1Telemetry.Contracts.Wire;

namespace P1Telemetry.Server.Storage;

/// <summary>Folds newly inserted samples into per-slot rollup rows by <see cref="QuarterHourMerge"/>, the rule the SQL upsert applies.</summary>
internal sealed class QuarterHourAccumulator(string deviceId)
{
    private readonly SortedDictionary<DateTimeOffset, QuarterSlot> _slots = [];
    private QuarterSlot? _current;

    public IEnumerable<QuarterHourRow> Rows
    {
        get
        {
            Flush();
            return _slots.Values.Select(slot => QuarterHourRow.Of(deviceId, slot));
        }
    }

    public void Add(Sample sample)
    {
        var start = QuarterHour.StartOf(sample.Ts);
        var reading = QuarterHourMerge.Of(start, sample.Ts, sample.ImportPowerW, sample.PowerW, sample.EnergyImportKwh, sample.EnergyExportKwh);

        // Samples mostly arrive in order: the slot being filled stays out of the dictionary until it changes.
        if (_current is { } current && current.Start != start)
        {
            Flush();
        }

        if (_current is { } filling)
        {
            _current = QuarterHourMerge.Merge(filling, reading);
        }
        else
        {
            _current = _slots.Remove(start, out var stored) ? QuarterHourMerge.Merge(stored, reading) : reading;
        }
    }

    private void Flush()
    {
        if (_current is { } current)
        {
            _slots[current.Start] = current;
            _current = null;
        }
    }
}
