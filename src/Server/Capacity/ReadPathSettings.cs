using Microsoft.Extensions.Options;
using P1Telemetry.Contracts.Domain;

namespace P1Telemetry.Server.Capacity;

/// <summary>The resolved settings every read endpoint shares: the local calendar and the tariff.</summary>
public sealed class ReadPathSettings(IOptions<CapacityOptions> options)
{
    public LocalCalendar Calendar { get; } = LocalCalendar.ForZone(options.Value.TimeZone);

    public string TimeZoneId => options.Value.TimeZone;

    /// <summary>Null when no tariff is configured: costs are then reported as null.</summary>
    public CapacityTariff? Tariff { get; } = options.Value.Tariff();
}
