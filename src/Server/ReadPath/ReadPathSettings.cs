using Microsoft.Extensions.Options;
using P1Telemetry.Contracts.Domain;
using P1Telemetry.Server.Accounts;

namespace P1Telemetry.Server.ReadPath;

/// <summary>
/// The resolved settings every read endpoint shares: the server-wide defaults, and through <see cref="For"/>
/// a device's own time zone and tariff.
/// </summary>
public sealed class ReadPathSettings(IOptions<CapacityOptions> options, DeviceSettingsCatalog? devices = null)
{
    private readonly DeviceSettingsCatalog _devices = devices ?? new DeviceSettingsCatalog(options);

    public LocalCalendar Calendar { get; } = LocalCalendar.ForZone(options.Value.TimeZone);

    public string TimeZoneId => options.Value.TimeZone;

    /// <summary>Null when no tariff is configured: costs are then reported as null.</summary>
    public CapacityTariff? Tariff { get; } = options.Value.Tariff();

    /// <summary>The device's effective settings: its own where set, these defaults elsewhere.</summary>
    public DeviceReadSettings For(string deviceId) => _devices.For(deviceId);
}
