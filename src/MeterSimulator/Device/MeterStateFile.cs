using System.Text.Json;
using System.Text.Json.Serialization;
using P1Telemetry.MeterSimulator.Api;
using P1Telemetry.MeterSimulator.Meter;

namespace P1Telemetry.MeterSimulator.Device;

/// <summary>
/// The registers a running meter last reached, kept in the state directory so that a restarted simulator
/// continues from them: a real meter's registers never go back, whatever the dongle does.
/// </summary>
internal static class MeterStateFile
{
    public const string FileName = "meter-registers.json";

    public static MeterRegisters? TryLoad(string stateDirectory, int seed, DateTimeOffset notAfter)
    {
        var path = Path.Combine(stateDirectory, FileName);
        try
        {
            if (!File.Exists(path))
            {
                return null;
            }

            var saved = JsonSerializer.Deserialize(File.ReadAllBytes(path), SimulatorJsonContext.Default.SavedMeterRegisters);
            // Another household, or a meter clock set back before the save: the saved registers do not apply.
            return saved is not null && saved.Seed == seed && saved.TsUtc <= notAfter
                ? new MeterRegisters(saved.ImportT1J, saved.ImportT2J, saved.ExportT1J, saved.ExportT2J, saved.GasLitres)
                : null;
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static void Save(string stateDirectory, int seed, DateTimeOffset at, MeterRegisters registers)
    {
        var path = Path.Combine(stateDirectory, FileName);
        var temporary = path + ".tmp";
        var saved = new SavedMeterRegisters(seed, at, registers.ImportT1J, registers.ImportT2J, registers.ExportT1J,
            registers.ExportT2J, registers.GasLitres);
        File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(saved, SimulatorJsonContext.Default.SavedMeterRegisters));
        File.Move(temporary, path, overwrite: true);
    }
}

internal sealed record SavedMeterRegisters(
    [property: JsonPropertyName("seed")] int Seed,
    [property: JsonPropertyName("ts_utc")] DateTimeOffset TsUtc,
    [property: JsonPropertyName("import_t1_j")] long ImportT1J,
    [property: JsonPropertyName("import_t2_j")] long ImportT2J,
    [property: JsonPropertyName("export_t1_j")] long ExportT1J,
    [property: JsonPropertyName("export_t2_j")] long ExportT2J,
    [property: JsonPropertyName("gas_litres")] double GasLitres);
