using System.Globalization;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.Edge.Normalization;

namespace P1Telemetry.Edge.Commands;

/// <summary>
/// Parses the meter simulator's history CSV (header fixed by contract; columns found by name, empty cell =
/// absent, invariant culture, timestamps RFC 3339 UTC).
/// </summary>
public sealed class HistoryCsv
{
    public static readonly string[] RequiredColumns = ["ts_utc", "power_w", "energy_import_kwh", "energy_export_kwh"];

    private readonly Dictionary<string, int> _columns;

    private HistoryCsv(Dictionary<string, int> columns) => _columns = columns;

    public static HistoryCsv FromHeader(string header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var names = header.Trim().Split(',');
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++)
        {
            columns[names[i].Trim()] = i;
        }

        var missing = RequiredColumns.Where(c => !columns.ContainsKey(c)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidReadingException("the CSV header lacks " + string.Join(", ", missing));
        }

        return new HistoryCsv(columns);
    }

    public Sample Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var cells = line.Split(',');
        var power = Double(cells, "power_w") ?? throw Missing("power_w");
        var powerW = (int)Math.Round(power, MidpointRounding.AwayFromZero);
        var sample = new Sample
        {
            DeviceId = "",
            Ts = Instant(cells, "ts_utc") ?? throw Missing("ts_utc"),
            PowerW = powerW,
            ImportPowerW = Math.Max(powerW, 0),
            EnergyImportKwh = Double(cells, "energy_import_kwh") ?? throw Missing("energy_import_kwh"),
            EnergyExportKwh = Double(cells, "energy_export_kwh") ?? throw Missing("energy_export_kwh"),
            PowerL1W = Int(cells, "power_l1_w"),
            PowerL2W = Int(cells, "power_l2_w"),
            PowerL3W = Int(cells, "power_l3_w"),
            AveragePower15mW = Int(cells, "average_power_15m_w"),
            MonthlyPowerPeakW = Int(cells, "monthly_power_peak_w"),
            MonthlyPowerPeakTs = Instant(cells, "monthly_power_peak_ts_utc"),
            GasM3 = Double(cells, "gas_m3"),
            GasTs = Instant(cells, "gas_ts_utc"),
        };
        SampleLimits.ThrowIfImpossible(sample);
        return sample;
    }

    private string? Cell(string[] cells, string name) =>
        _columns.TryGetValue(name, out var index) && index < cells.Length && cells[index].Length > 0 ? cells[index] : null;

    private double? Double(string[] cells, string name)
    {
        var text = Cell(cells, name);
        if (text is null)
        {
            return null;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw new InvalidReadingException($"{name} '{text}' is not a number");
    }

    private int? Int(string[] cells, string name) =>
        Double(cells, name) is { } value ? (int)Math.Round(value, MidpointRounding.AwayFromZero) : null;

    private DateTimeOffset? Instant(string[] cells, string name)
    {
        var text = Cell(cells, name);
        if (text is null)
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            ? value.ToUniversalTime()
            : throw new InvalidReadingException($"{name} '{text}' is not an RFC 3339 time");
    }

    private static InvalidReadingException Missing(string name) => new($"{name} is empty");
}
