using System.Text.Json;
using P1Telemetry.Contracts.Wire;

namespace P1Telemetry.Contracts.Tests;

public sealed class SampleJsonTests
{
    [Fact]
    public void Sample_serializes_with_the_snake_case_wire_names_and_omits_absent_fields()
    {
        var sample = new Sample
        {
            DeviceId = "meter-1",
            Ts = new DateTimeOffset(2026, 3, 29, 1, 0, 0, TimeSpan.Zero),
            PowerW = -250,
            ImportPowerW = 0,
            EnergyImportKwh = 1234.5,
            EnergyExportKwh = 67.25,
            PowerL1W = -250,
        };

        var json = JsonSerializer.Serialize(sample, WireJsonContext.Default.Sample);

        Assert.Equal(
            """{"device_id":"meter-1","ts":"2026-03-29T01:00:00+00:00","power_w":-250,"import_power_w":0,"energy_import_kwh":1234.5,"energy_export_kwh":67.25,"power_l1_w":-250}""",
            json);
    }

    [Fact]
    public void Ingest_request_round_trips()
    {
        const string json = """{"samples":[{"device_id":"d","ts":"2026-01-01T00:00:00Z","power_w":5,"import_power_w":5,"energy_import_kwh":1,"energy_export_kwh":0,"gas_m3":12.5}]}""";

        var request = JsonSerializer.Deserialize(json, WireJsonContext.Default.IngestRequest)!;

        var sample = Assert.Single(request.Samples);
        Assert.Equal(12.5, sample.GasM3);
        Assert.Equal(TimeSpan.Zero, sample.Ts.Offset);
    }
}
