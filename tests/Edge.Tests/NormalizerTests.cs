using System.Text;
using P1Telemetry.Contracts.Wire;
using P1Telemetry.Edge.Configuration;
using P1Telemetry.Edge.Meter;
using P1Telemetry.Edge.Normalization;

namespace P1Telemetry.Edge.Tests;

/// <summary>
/// The normalizer against real and documented HomeWizard payloads (tests/Fixtures/homewizard;
/// provenance of each file in its SOURCES.md).
/// </summary>
public sealed class NormalizerTests
{
    private static readonly TimeZoneInfo _brussels = TimeZoneInfo.FindSystemTimeZoneById("Europe/Brussels");
    private static readonly DateTimeOffset _receivedAt = new(2026, 5, 28, 16, 50, 12, 345, TimeSpan.Zero);

    public static TheoryData<string> AllFixtures()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(FixtureDirectory, "*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    private static string FixtureDirectory => Path.Combine(AppContext.BaseDirectory, "Fixtures", "homewizard");

    private static RawReading Fixture(string name, MeterApiVersion version) =>
        new(version, File.ReadAllBytes(Path.Combine(FixtureDirectory, name)), _receivedAt);

    private static Sample Normalize(string name) =>
        SampleNormalizer.Normalize(Fixture(name, name.StartsWith("v1", StringComparison.Ordinal) ? MeterApiVersion.V1 : MeterApiVersion.V2), _brussels);

    private static DateTimeOffset Utc(int y, int mo, int d, int h, int mi, int s) => new(y, mo, d, h, mi, s, TimeSpan.Zero);

    [Theory]
    [MemberData(nameof(AllFixtures))]
    public void Every_fixture_yields_a_sample_or_a_typed_error(string name)
    {
        foreach (var version in new[] { MeterApiVersion.V1, MeterApiVersion.V2 })
        {
            try
            {
                var sample = SampleNormalizer.Normalize(Fixture(name, version), _brussels);
                Assert.Equal(Math.Max(sample.PowerW, 0), sample.ImportPowerW);
                Assert.True(sample.EnergyImportKwh >= 0 && sample.EnergyExportKwh >= 0);
                Assert.Equal(TimeSpan.Zero, sample.Ts.Offset);
            }
            catch (InvalidReadingException ex)
            {
                Assert.StartsWith("the reading lacks", ex.Message, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void V1_belgian_fields_with_compact_timestamps_convert_to_utc()
    {
        var sample = Normalize("v1-data-HWE-P1-synthetic-3phase-gas-belgian-peak-5external.json");

        Assert.Equal("", sample.DeviceId);
        Assert.Equal(Utc(2026, 5, 28, 16, 50, 12).AddMilliseconds(345), sample.Ts); // v1 has no meter clock: edge clock
        Assert.Equal(-543, sample.PowerW);
        Assert.Equal(0, sample.ImportPowerW);
        Assert.Equal(13779.338, sample.EnergyImportKwh);
        Assert.Equal(0, sample.EnergyExportKwh);
        Assert.Equal((-676, 133, 0), (sample.PowerL1W!.Value, sample.PowerL2W!.Value, sample.PowerL3W!.Value));
        Assert.Equal(123, sample.AveragePower15mW);
        Assert.Equal(1111, sample.MonthlyPowerPeakW);
        Assert.Equal(Utc(2023, 1, 1, 7, 0, 10), sample.MonthlyPowerPeakTs); // 230101080010 CET
        Assert.Equal(2569.646, sample.GasM3); // total_gas_m3 wins over the external list
        Assert.Equal(Utc(2021, 6, 6, 12, 0, 10), sample.GasTs); // 210606140010 CEST
    }

    [Fact]
    public void V1_early_firmware_sums_tariffs_and_accepts_a_null_gas_timestamp()
    {
        var sample = Normalize("v1-data-HWE-P1-early-fw-null-gas-timestamp.json");

        Assert.Equal(368, sample.PowerW);
        Assert.Equal(368, sample.ImportPowerW);
        Assert.Equal(3776.417, sample.EnergyImportKwh, 6);
        Assert.Equal(2555.24, sample.EnergyExportKwh, 6);
        Assert.Equal(23.3, sample.GasM3);
        Assert.Null(sample.GasTs);
        Assert.Null(sample.AveragePower15mW);
        Assert.Null(sample.MonthlyPowerPeakW);
    }

    [Fact]
    public void V1_null_gas_is_absent()
    {
        var sample = Normalize("v1-data-HWE-P1-synthetic-nulls-no-gas.json");

        Assert.Null(sample.GasM3);
        Assert.Null(sample.GasTs);
        Assert.Equal(13779.338, sample.EnergyImportKwh, 6);
        Assert.Equal(4162.461, sample.EnergyExportKwh, 6);
    }

    [Fact]
    public void V1_float_counters_round_and_gas_comes_from_the_external_list()
    {
        var sample = Normalize("v1-data-HWE-P1-dsmr42-3phase-gas-water-landisgyr.json");

        Assert.Equal(15424, sample.PowerW);
        Assert.Equal((4297, 4150, 6977), (sample.PowerL1W!.Value, sample.PowerL2W!.Value, sample.PowerL3W!.Value));
        Assert.Equal(581722.707, sample.EnergyImportKwh);
        Assert.Equal(8.883, sample.EnergyExportKwh);
        Assert.Equal(68925.426, sample.GasM3);
        Assert.Equal(Utc(2024, 10, 8, 10, 1, 2), sample.GasTs); // 241008120102 CEST
    }

    [Theory]
    [InlineData("v1-data-HWE-P1-nl-1phase-gas-iskra2m550e.json", -106, 10201.212, 6554.178, 7252.631)]
    [InlineData("v1-data-HWE-P1-nl-3phase-gas-landisgyr-redacted.json", 203, 18664.997, 13823.608, 5175.363)]
    [InlineData("v1-data-HWE-P1-nl-3phase-gas-iskra2m550t-oldfw.json", 407, 38499.867, 0.009, 6741.77)]
    public void V1_real_captures_normalize(string name, int power, double import, double export, double gas)
    {
        var sample = Normalize(name);

        Assert.Equal(power, sample.PowerW);
        Assert.Equal(import, sample.EnergyImportKwh, 6);
        Assert.Equal(export, sample.EnergyExportKwh, 6);
        Assert.Equal(gas, sample.GasM3);
    }

    [Fact]
    public void V2_full_measurement_uses_the_meter_clock()
    {
        var sample = Normalize("v2-measurement-HWE-P1-3phase-gas-water-belgian-peak.json");

        Assert.Equal(Utc(2024, 6, 28, 12, 12, 34), sample.Ts); // 14:12:34 CEST
        Assert.Equal(-543, sample.PowerW);
        Assert.Equal(0, sample.ImportPowerW);
        Assert.Equal(13779.338, sample.EnergyImportKwh);
        Assert.Equal(0, sample.EnergyExportKwh);
        Assert.Equal(123, sample.AveragePower15mW);
        Assert.Equal(1111, sample.MonthlyPowerPeakW);
        Assert.Equal(Utc(2024, 6, 4, 8, 11, 22), sample.MonthlyPowerPeakTs);
        Assert.Equal(2569.646, sample.GasM3);
        Assert.Equal(Utc(2024, 6, 28, 12, 0, 0), sample.GasTs);
    }

    [Fact]
    public void V2_single_phase_without_totals_sums_tariffs()
    {
        var sample = Normalize("v2-measurement-HWE-P1-1phase-no-gas.json");

        Assert.Equal(-678, sample.PowerW);
        Assert.Equal(-676, sample.PowerL1W);
        Assert.Null(sample.PowerL2W);
        Assert.Equal(13779.338, sample.EnergyImportKwh, 6);
        Assert.Equal(4162.461, sample.EnergyExportKwh, 6);
        Assert.Null(sample.GasM3);
        Assert.Null(sample.AveragePower15mW);
    }

    [Fact]
    public void A_reading_without_power_or_registers_is_a_typed_error_naming_the_fields()
    {
        var error = Assert.Throws<InvalidReadingException>(() => Normalize("v2-measurement-HWE-P1-edgecases-zero-ean-unknown-external.json"));

        Assert.Contains("power_w", error.Message, StringComparison.Ordinal);
        Assert.Contains("energy_import_kwh", error.Message, StringComparison.Ordinal);
        Assert.Contains("energy_export_kwh", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_api_disabled_error_document_is_not_a_reading()
    {
        Assert.Throws<InvalidReadingException>(() => Normalize("v1-error-403-api-disabled.json"));
    }

    [Theory]
    [InlineData("""{"power_w":"12","energy_import_kwh":1,"energy_export_kwh":1}""", "'power_w' is String")]
    [InlineData("""{"power_w":12,"energy_import_kwh":-1,"energy_export_kwh":1}""", "negative")]
    [InlineData("""{"power_w":12,"energy_import_kwh":1,"energy_export_kwh":1,"timestamp":"yesterday"}""", "not a local timestamp")]
    [InlineData("""[1,2]""", "not an object")]
    [InlineData("""{"power_w":""", "not JSON")]
    public void Malformed_values_are_typed_errors_with_the_reason(string json, string reason)
    {
        var raw = new RawReading(MeterApiVersion.V2, Encoding.UTF8.GetBytes(json), _receivedAt);

        var error = Assert.Throws<InvalidReadingException>(() => SampleNormalizer.Normalize(raw, _brussels));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_configured_time_zone_is_used()
    {
        var raw = new RawReading(MeterApiVersion.V2, """{"timestamp":"2026-01-15T12:00:00","power_w":1,"energy_import_kwh":1,"energy_export_kwh":0}"""u8.ToArray(), _receivedAt);

        Assert.Equal(Utc(2026, 1, 15, 11, 0, 0), SampleNormalizer.Normalize(raw, _brussels).Ts);
        Assert.Equal(Utc(2026, 1, 15, 18, 0, 0), SampleNormalizer.Normalize(raw, TimeZoneInfo.FindSystemTimeZoneById("America/Chicago")).Ts);
    }
}
