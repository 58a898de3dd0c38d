using System.Globalization;

namespace P1Telemetry.Contracts.Domain;

/// <summary>
/// Converts the wall-clock timestamps a smart meter reports (local time, no offset) to UTC instants.
/// Local times are ambiguous once a year (the repeated autumn hour) and impossible once a year (the skipped
/// spring hour); both are resolved by picking the candidate offset whose instant lies nearest a reference
/// clock, normally the clock of the machine that received the reading.
/// </summary>
public static class MeterLocalTime
{
    /// <summary>The default zone of Belgian meters.</summary>
    public const string DefaultTimeZoneId = "Europe/Brussels";

    /// <summary>Converts <paramref name="local"/> (kind ignored) to UTC in <paramref name="zone"/>.</summary>
    public static DateTimeOffset ToUtc(DateTime local, TimeZoneInfo zone, DateTimeOffset reference)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var wallClock = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        var candidates = CandidateOffsets(wallClock, zone);
        var best = default(DateTimeOffset);
        var bestDistance = TimeSpan.MaxValue;
        foreach (var offset in candidates)
        {
            var instant = new DateTimeOffset(wallClock.Ticks - offset.Ticks, TimeSpan.Zero);
            var distance = (instant - reference).Duration();
            if (distance < bestDistance)
            {
                best = instant;
                bestDistance = distance;
            }
        }

        return best;
    }

    /// <summary>Parses an ISO 8601 local timestamp without offset (v2: <c>2026-03-26T19:30:00</c>).</summary>
    public static bool TryParseIso(string? text, out DateTime local)
    {
        return DateTime.TryParseExact(
            text,
            ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm:ss"],
            CultureInfo.InvariantCulture,
            DateTimeStyles.None,
            out local);
    }

    /// <summary>Parses the v1 API's <c>YYMMDDhhmmss</c> number (e.g. 260326193000 = 2026-03-26 19:30:00).</summary>
    public static bool TryParseCompact(long value, out DateTime local)
    {
        local = default;
        if (value is < 0 or > 999_999_999_999)
        {
            return false;
        }

        var text = value.ToString("D12", CultureInfo.InvariantCulture);
        return DateTime.TryParseExact(
            "20" + text, "yyyyMMddHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out local);
    }

    private static TimeSpan[] CandidateOffsets(DateTime wallClock, TimeZoneInfo zone)
    {
        if (zone.IsAmbiguousTime(wallClock))
        {
            return zone.GetAmbiguousTimeOffsets(wallClock);
        }

        if (zone.IsInvalidTime(wallClock))
        {
            // A wall-clock time inside the skipped spring hour: a meter that shows it is either still on the
            // old offset or already on the new one; both lie an hour apart, the reference clock decides.
            return [zone.GetUtcOffset(wallClock.AddHours(-3)), zone.GetUtcOffset(wallClock.AddHours(3))];
        }

        return [zone.GetUtcOffset(wallClock)];
    }
}
