namespace P1Telemetry.Contracts.Domain;

/// <summary>
/// Days, weeks, months and years of one IANA time zone, as UTC ranges. Periods start at local midnight;
/// a local midnight that a DST change skips starts at the first instant after the gap, and one that occurs
/// twice starts at its first occurrence.
/// </summary>
public sealed class LocalCalendar
{
    public LocalCalendar(TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        Zone = zone;
    }

    public TimeZoneInfo Zone { get; }

    /// <summary>A calendar for an IANA id such as <c>Europe/Brussels</c>.</summary>
    public static LocalCalendar ForZone(string ianaId) => new(TimeZoneInfo.FindSystemTimeZoneById(ianaId));

    /// <summary>The instant with the zone's offset at that instant.</summary>
    public DateTimeOffset ToLocal(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Zone);

    /// <summary>The local date of <paramref name="instant"/>.</summary>
    public DateOnly DateOf(DateTimeOffset instant) => DateOnly.FromDateTime(ToLocal(instant).DateTime);

    /// <summary>The local month of <paramref name="instant"/>.</summary>
    public LocalMonth MonthOf(DateTimeOffset instant)
    {
        var local = ToLocal(instant);
        return new LocalMonth(local.Year, local.Month);
    }

    /// <summary>The UTC instant at which local <paramref name="date"/> begins.</summary>
    public DateTimeOffset StartOf(DateOnly date) => ToUtc(date.ToDateTime(TimeOnly.MinValue));

    public TimeRange Day(DateOnly date) => new(StartOf(date), StartOf(date.AddDays(1)));

    /// <summary>The ISO week (Monday to Monday) containing <paramref name="date"/>.</summary>
    public TimeRange Week(DateOnly date)
    {
        var monday = date.AddDays(-(((int)date.DayOfWeek + 6) % 7));
        return new TimeRange(StartOf(monday), StartOf(monday.AddDays(7)));
    }

    public TimeRange Month(LocalMonth month)
    {
        var first = new DateOnly(month.Year, month.Month, 1);
        return new TimeRange(StartOf(first), StartOf(first.AddMonths(1)));
    }

    public TimeRange Year(int year)
    {
        var first = new DateOnly(year, 1, 1);
        return new TimeRange(StartOf(first), StartOf(first.AddYears(1)));
    }

    /// <summary>Converts a local wall-clock time to UTC, resolving DST gaps forwards and overlaps to the first occurrence.</summary>
    public DateTimeOffset ToUtc(DateTime local)
    {
        var wall = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        TimeSpan offset;
        if (Zone.IsInvalidTime(wall))
        {
            // The offset in force just before the skipped hour maps the wall time onto the instant the gap ends.
            offset = Zone.GetUtcOffset(wall.AddHours(-1 * MaxDstShiftHours));
        }
        else if (Zone.IsAmbiguousTime(wall))
        {
            offset = Zone.GetAmbiguousTimeOffsets(wall).Max();
        }
        else
        {
            offset = Zone.GetUtcOffset(wall);
        }

        return new DateTimeOffset(wall.Ticks - offset.Ticks, TimeSpan.Zero);
    }

    private const int MaxDstShiftHours = 3;
}
