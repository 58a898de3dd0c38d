using System.Globalization;
using System.Text;
using P1Telemetry.MeterSimulator.Device;
using P1Telemetry.MeterSimulator.Meter;

namespace P1Telemetry.MeterSimulator.Api;

/// <summary>How the dongle presents a telegram and itself on each API version.</summary>
internal static class MeterPayloads
{
    public const string ProductName = "P1 Meter";
    public const string ProductType = "HWE-P1";
    public const string FirmwareVersion = "6.0305";
    public const string V2ApiVersion = "2.0.0";
    internal const string MeterModel = "Sagemcom T211-D";
    internal const int ProtocolVersion = 50;
    internal const string WifiSsid = "Simulated Wi-Fi";

    public static DeviceInfoResponse DeviceInfo(SimulatedDevice device, bool v2) =>
        new(ProductName, ProductType, device.Serial, FirmwareVersion, v2 ? V2ApiVersion : "v1");

    public static SystemResponse System(SimulatedDevice device) =>
        new(WifiSsid, -62, false, (long)device.Uptime.TotalSeconds, 100, !device.Faults.Current.ApiDisabled);

    public static V2Measurement ToV2(Telegram t, string serial, bool belgianFields, bool withUtc = false) => new()
    {
        TsUtc = withUtc ? t.TsUtc.UtcDateTime : null,
        ProtocolVersion = ProtocolVersion,
        MeterModel = MeterModel,
        UniqueId = ElectricityMeterId(serial),
        Timestamp = MeterTimeFormat.ToIso(t.MeterTimestamp),
        Tariff = t.Tariff,
        EnergyImportKwh = t.EnergyImportKwh,
        EnergyImportT1Kwh = t.ImportT1Wh / 1000.0,
        EnergyImportT2Kwh = t.ImportT2Wh / 1000.0,
        EnergyExportKwh = t.EnergyExportKwh,
        EnergyExportT1Kwh = t.ExportT1Wh / 1000.0,
        EnergyExportT2Kwh = t.ExportT2Wh / 1000.0,
        PowerW = t.PowerW,
        PowerL1W = t.PowerL1W,
        PowerL2W = t.PowerL2W,
        PowerL3W = t.PowerL3W,
        VoltageL1V = t.VoltageL1V,
        VoltageL2V = t.VoltageL2V,
        VoltageL3V = t.VoltageL3V,
        CurrentA = t.CurrentA,
        CurrentL1A = t.CurrentL1A,
        CurrentL2A = t.CurrentL2A,
        CurrentL3A = t.CurrentL3A,
        VoltageSagL1Count = 1,
        VoltageSagL2Count = 1,
        VoltageSwellL3Count = 2,
        AnyPowerFailCount = 4,
        LongPowerFailCount = 1,
        AveragePower15mW = belgianFields ? t.AveragePower15mW : null,
        MonthlyPowerPeakW = belgianFields ? t.MonthlyPowerPeakW : null,
        MonthlyPowerPeakTimestamp = belgianFields && t.MonthlyPowerPeakTimestamp is { } peakAt ? MeterTimeFormat.ToIso(peakAt) : null,
        External = [new V2External(GasMeterId(serial), "gas_meter", MeterTimeFormat.ToIso(t.GasTimestamp), t.GasM3, "m3")],
    };

    public static V1Data ToV1(Telegram t, string serial, bool belgianFields) => new()
    {
        WifiSsid = WifiSsid,
        WifiStrength = 88,
        SmrVersion = ProtocolVersion,
        MeterModel = MeterModel,
        UniqueId = ElectricityMeterId(serial),
        ActiveTariff = t.Tariff,
        TotalPowerImportKwh = t.EnergyImportKwh,
        TotalPowerImportT1Kwh = t.ImportT1Wh / 1000.0,
        TotalPowerImportT2Kwh = t.ImportT2Wh / 1000.0,
        TotalPowerExportKwh = t.EnergyExportKwh,
        TotalPowerExportT1Kwh = t.ExportT1Wh / 1000.0,
        TotalPowerExportT2Kwh = t.ExportT2Wh / 1000.0,
        ActivePowerW = t.PowerW,
        ActivePowerL1W = t.PowerL1W,
        ActivePowerL2W = t.PowerL2W,
        ActivePowerL3W = t.PowerL3W,
        ActiveVoltageL1V = t.VoltageL1V,
        ActiveVoltageL2V = t.VoltageL2V,
        ActiveVoltageL3V = t.VoltageL3V,
        ActiveCurrentA = t.CurrentA,
        ActiveCurrentL1A = t.CurrentL1A,
        ActiveCurrentL2A = t.CurrentL2A,
        ActiveCurrentL3A = t.CurrentL3A,
        ActiveFrequencyHz = 50,
        VoltageSagL1Count = 1,
        VoltageSagL2Count = 1,
        VoltageSwellL3Count = 2,
        AnyPowerFailCount = 4,
        LongPowerFailCount = 1,
        ActivePowerAverageW = belgianFields ? t.AveragePower15mW : null,
        MontlyPowerPeakW = belgianFields ? t.MonthlyPowerPeakW : null,
        MontlyPowerPeakTimestamp = belgianFields && t.MonthlyPowerPeakTimestamp is { } peakAt ? MeterTimeFormat.ToV1Number(peakAt) : null,
        TotalGasM3 = t.GasM3,
        GasTimestamp = MeterTimeFormat.ToV1Number(t.GasTimestamp),
        GasUniqueId = GasMeterId(serial),
        External = [new V1External(GasMeterId(serial), "gas_meter", MeterTimeFormat.ToV1Number(t.GasTimestamp), t.GasM3, "m3")],
    };

    /// <summary>The meter's equipment id as the dongle shows it: hex-encoded ASCII (OBIS 0-0:96.1.1).</summary>
    public static string ElectricityMeterId(string serial) => HexAscii("1SAG" + Digits(serial));

    public static string GasMeterId(string serial) => HexAscii("7FLO" + Digits(serial));

    private static string Digits(string serial) =>
        (Convert.ToInt64(serial, 16) % 10_000_000_000L).ToString("D10", CultureInfo.InvariantCulture);

    private static string HexAscii(string text) => Convert.ToHexString(Encoding.ASCII.GetBytes(text));
}
