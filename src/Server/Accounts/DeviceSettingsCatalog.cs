using System.Collections.Concurrent;
using System.Collections.Frozen;
using Microsoft.Extensions.Options;
using P1Telemetry.Contracts.Domain;
using P1Telemetry.Server.ReadPath;

namespace P1Telemetry.Server.Accounts;

/// <summary>
/// Every device's settings and the grid tariffs, held in memory so that the read path resolves them without a
/// query. A change made through this replica applies at once; <see cref="DeviceSettingsRefresher"/> reloads
/// the tables every few seconds for changes made elsewhere (another replica, the CLI).
/// </summary>
public sealed class DeviceSettingsCatalog(IOptions<CapacityOptions> defaults)
{
    private static readonly FrozenDictionary<string, GridTariffPeriod[]> BuiltInTariffs = GridTariffs.Flanders2026
        .ToFrozenDictionary(pair => pair.Key, pair => new[] { new GridTariffPeriod(pair.Key, new DateOnly(2026, 1, 1), new DateOnly(2027, 1, 1), pair.Value) });

    private readonly ConcurrentDictionary<string, LocalCalendar> _calendars = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Resolved> _resolved = new(StringComparer.Ordinal);
    private volatile Snapshot _snapshot = new(FrozenDictionary<string, DeviceSettings>.Empty, BuiltInTariffs, "builtin");

    public bool Loaded { get; private set; }

    /// <summary>The stored settings of a device, or null when it has no database row.</summary>
    public DeviceSettings? Find(string deviceId) => _snapshot.Devices.GetValueOrDefault(deviceId);

    public IEnumerable<string> DatabaseDeviceIds => _snapshot.Devices.Keys;

    /// <summary>The normalized names of the grid areas with a tariff.</summary>
    public IEnumerable<string> GridAreas => _snapshot.Tariffs.Keys.Order(StringComparer.Ordinal);

    public bool HasGridArea(string normalizedArea) => _snapshot.Tariffs.ContainsKey(normalizedArea);

    /// <summary>The device's effective settings (defaults for a device without its own).</summary>
    public DeviceReadSettings For(string deviceId)
    {
        ArgumentNullException.ThrowIfNull(deviceId);
        var snapshot = _snapshot;
        var own = snapshot.Devices.GetValueOrDefault(deviceId);
        // A resolution stays valid while the device's row and the tariff table it was made from are current.
        if (_resolved.TryGetValue(deviceId, out var known) && ReferenceEquals(known.Source, own) && ReferenceEquals(known.Tariffs, snapshot.Tariffs))
        {
            return known.Settings;
        }

        var settings = Resolve(deviceId, own, snapshot);
        _resolved[deviceId] = new Resolved(own, snapshot.Tariffs, settings);
        return settings;
    }

    public void Replace(IReadOnlyList<DeviceSettings> devices, IReadOnlyList<GridTariffPeriod> tariffs)
    {
        ArgumentNullException.ThrowIfNull(devices);
        ArgumentNullException.ThrowIfNull(tariffs);
        var byArea = tariffs.GroupBy(t => t.GridArea, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.OrderBy(t => t.ValidFrom).ToArray(), StringComparer.Ordinal);
        var version = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
            string.Join(';', tariffs.Select(t => $"{t.GridArea},{t.ValidFrom:yyyy-MM-dd},{t.ValidTo:yyyy-MM-dd},{t.EurPerKwYear.ToString(System.Globalization.CultureInfo.InvariantCulture)}")))))[..12];
        Publish(new Snapshot(devices.ToFrozenDictionary(d => d.DeviceId, StringComparer.Ordinal), byArea, version));
        Loaded = true;
    }

    /// <summary>Applies a change made by this replica at once.</summary>
    public void Upsert(DeviceSettings device)
    {
        ArgumentNullException.ThrowIfNull(device);
        var current = _snapshot;
        var devices = new Dictionary<string, DeviceSettings>(current.Devices, StringComparer.Ordinal) { [device.DeviceId] = device };
        Publish(current with { Devices = devices.ToFrozenDictionary(StringComparer.Ordinal) });
    }

    private void Publish(Snapshot snapshot) => _snapshot = snapshot;

    private DeviceReadSettings Resolve(string deviceId, DeviceSettings? own, Snapshot snapshot)
    {
        var options = defaults.Value;
        var zone = own?.TimeZone ?? options.TimeZone;
        var explicitTariff = own is null ? options.TariffEurPerKwYear
            : own.TariffEurPerKwYear ?? (own.GridArea is null ? options.TariffEurPerKwYear : null);
        var area = own?.GridArea ?? options.GridArea;
        var areaKey = area is null ? null : GridTariffs.Normalize(area);
        var periods = areaKey is not null && snapshot.Tariffs.TryGetValue(areaKey, out var found) ? found : [];
        return new DeviceReadSettings(
            own?.Name ?? deviceId,
            _calendars.GetOrAdd(zone, LocalCalendar.ForZone),
            zone,
            areaKey,
            explicitTariff,
            own?.VatPct ?? options.VatPct,
            own?.GoalPeakW,
            periods,
            snapshot.TariffsVersion);
    }

    private sealed record Resolved(DeviceSettings? Source, FrozenDictionary<string, GridTariffPeriod[]> Tariffs, DeviceReadSettings Settings);

    private sealed record Snapshot(
        FrozenDictionary<string, DeviceSettings> Devices,
        FrozenDictionary<string, GridTariffPeriod[]> Tariffs,
        string TariffsVersion);
}
