using P1Telemetry.Contracts.Domain;

namespace P1Telemetry.Server.Caching;

/// <summary>
/// The tags every cached read value carries, so that a change of a device's data drops exactly the values it
/// made stale: a live upload drops the live values, a backlog also the settled ones of the months it touched.
/// </summary>
public static class DeviceTags
{
    /// <summary>Every cached value of the device.</summary>
    public static string All(string deviceId) => $"device:{deviceId}";

    /// <summary>Values that include the newest readings: the latest sample, the live quarter, series up to now.</summary>
    public static string Live(string deviceId) => $"live:{deviceId}";

    /// <summary>Values of settled periods that are built from several months (responses and series).</summary>
    public static string History(string deviceId) => $"history:{deviceId}";

    /// <summary>The building blocks of one local month (its digest and its settled days).</summary>
    public static string Month(string deviceId, LocalMonth month) => $"month:{deviceId}:{month}";
}
