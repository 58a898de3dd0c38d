using System.Globalization;

namespace P1Telemetry.Contracts.Dsmr;

/// <summary>
/// A meter timestamp <c>YYMMDDhhmmssX</c>: local wall time and, from DSMR 4 on, <c>S</c> (summer) or <c>W</c>
/// (winter), which settles the repeated autumn hour without guessing.
/// </summary>
public readonly record struct DsmrTimestamp(DateTime Local, char? Dst)
{
    /// <summary>Parses the 12 digits and the optional flag; false for anything else (e.g. <c>632525252525W</c>).</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out DsmrTimestamp timestamp)
    {
        timestamp = default;
        char? flag = null;
        if (text.Length == 13)
        {
            flag = char.ToUpperInvariant(text[12]);
            if (flag is not ('S' or 'W'))
            {
                return false;
            }

            text = text[..12];
        }

        if (text.Length != 12 || !DateTime.TryParseExact(text, "yyMMddHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return false;
        }

        // Two-digit years: DSMR meters exist since 2008, "yy" alone would put 09 at 2009 but 99 at 1999.
        local = new DateTime(2000 + (local.Year % 100), local.Month, local.Day, local.Hour, local.Minute, local.Second, DateTimeKind.Unspecified);
        timestamp = new DsmrTimestamp(local, flag);
        return true;
    }

    /// <summary>
    /// The instant in UTC. With a flag the offset is exact: winter is the zone's standard offset, summer one
    /// hour more. Without one (DSMR 2.2/3) the local time is resolved against <paramref name="reference"/>.
    /// </summary>
    public DateTimeOffset ToUtc(TimeZoneInfo zone, DateTimeOffset reference)
    {
        ArgumentNullException.ThrowIfNull(zone);
        if (Dst is { } flag)
        {
            var offset = flag == 'S' ? zone.BaseUtcOffset + TimeSpan.FromHours(1) : zone.BaseUtcOffset;
            return new DateTimeOffset(Local.Ticks - offset.Ticks, TimeSpan.Zero);
        }

        return Domain.MeterLocalTime.ToUtc(Local, zone, reference);
    }

    /// <summary>Writes <c>YYMMDDhhmmss</c> with the flag, as a meter does.</summary>
    public override string ToString() =>
        Local.ToString("yyMMddHHmmss", CultureInfo.InvariantCulture) + (Dst is { } flag ? flag.ToString() : "");

    /// <summary>The local time of <paramref name="utc"/> in <paramref name="zone"/> with its S/W flag.</summary>
    public static DsmrTimestamp FromUtc(DateTimeOffset utc, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var offset = zone.GetUtcOffset(utc);
        var local = DateTime.SpecifyKind(utc.UtcDateTime + offset, DateTimeKind.Unspecified);
        return new DsmrTimestamp(local, offset > zone.BaseUtcOffset ? 'S' : 'W');
    }
}
