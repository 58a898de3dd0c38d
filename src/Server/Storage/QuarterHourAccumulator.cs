using P1Telemetry.Contracts.Domain;
using P1Telemetry.Contracts.Wire;

namespace P1Telemetry.Server.Storage;

/// <summary>Folds newly inserted samples into per-slot rollup rows, the same aggregates the SQL upsert adds.</summary>
internal sealed class QuarterHourAccumulator(string deviceId)
{
    private readonly SortedDictionary<DateTimeOffset, QuarterHourRow> _slots = [];
    private QuarterHourRow? _current;

    public IEnumerable<QuarterHourRow> Rows
    {
        get
        {
            Flush();
            return _slots.Values;
        }
    }

    public void Add(Sample sample)
    {
        var start = QuarterHour.StartOf(sample.Ts);

        // Samples mostly arrive in order: the slot being filled stays out of the dictionary until it changes.
        if (_current is not null && _current.Start != start)
        {
            Flush();
        }

        var row = _current;
        if (row is null && !_slots.Remove(start, out row))
        {
            _current = new QuarterHourRow(
                deviceId, start, 1, sample.ImportPowerW, sample.ImportPowerW, sample.PowerW, sample.PowerW, sample.PowerW,
                sample.Ts, sample.EnergyImportKwh, sample.EnergyExportKwh, sample.Ts, sample.EnergyImportKwh, sample.EnergyExportKwh);
            return;
        }

        var earlier = sample.Ts < row.FirstTs;
        var later = sample.Ts > row.LastTs;
        _current = row with
        {
            SampleCount = row.SampleCount + 1,
            ImportPowerSumW = row.ImportPowerSumW + sample.ImportPowerW,
            ImportPowerMaxW = Math.Max(row.ImportPowerMaxW, sample.ImportPowerW),
            PowerSumW = row.PowerSumW + sample.PowerW,
            PowerMinW = Math.Min(row.PowerMinW, sample.PowerW),
            PowerMaxW = Math.Max(row.PowerMaxW, sample.PowerW),
            FirstTs = earlier ? sample.Ts : row.FirstTs,
            FirstImportKwh = earlier ? sample.EnergyImportKwh : row.FirstImportKwh,
            FirstExportKwh = earlier ? sample.EnergyExportKwh : row.FirstExportKwh,
            LastTs = later ? sample.Ts : row.LastTs,
            LastImportKwh = later ? sample.EnergyImportKwh : row.LastImportKwh,
            LastExportKwh = later ? sample.EnergyExportKwh : row.LastExportKwh,
        };
    }

    private void Flush()
    {
        if (_current is not null)
        {
            _slots[_current.Start] = _current;
            _current = null;
        }
    }
}
