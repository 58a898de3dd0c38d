using System.Globalization;

namespace P1Telemetry.MeterSimulator.Meter;

/// <summary>The two ways HomeWizard writes meter-local time.</summary>
public static class MeterTimeFormat
{
    /// <summary>v2: ISO 8601 local time without offset, e.g. <c>2024-06-28T14:12:34</c>.</summary>
    public static string ToIso(DateTime local) => local.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>v1: a number whose decimal digits are <c>YYMMDDhhmmss</c>, e.g. 260326193000.</summary>
    public static long ToV1Number(DateTime local) =>
        long.Parse(local.ToString("yyMMddHHmmss", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
