using P1Telemetry.Server.Accounts;

namespace P1Telemetry.Server.Auth;

/// <summary>The devices this server knows: those of <c>DEVICE_TOKENS</c> merged with the database's.</summary>
public sealed class KnownDevices(DeviceTokenRegistry configured, DeviceSettingsCatalog catalog)
{
    public bool Contains(string deviceId) => configured.HasDevice(deviceId) || catalog.Find(deviceId) is not null;

    public IReadOnlyList<string> All() =>
        [.. configured.DeviceIds.Union(catalog.DatabaseDeviceIds, StringComparer.Ordinal).Order(StringComparer.Ordinal)];
}
