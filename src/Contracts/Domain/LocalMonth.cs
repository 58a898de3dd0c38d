using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace P1Telemetry.Contracts.Domain;

/// <summary>A calendar month (in whatever time zone the caller applies), written <c>YYYY-MM</c>.</summary>
public readonly record struct LocalMonth : IComparable<LocalMonth>
{
    public LocalMonth(int year, int month)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(year, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(year, 9998);
        ArgumentOutOfRangeException.ThrowIfLessThan(month, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(month, 12);
        Year = year;
        Month = month;
    }

    public int Year { get; }
    public int Month { get; }

    public LocalMonth AddMonths(int months)
    {
        var index = (Year * 12) + (Month - 1) + months;
        return new LocalMonth(index / 12, (index % 12) + 1);
    }

    /// <summary>Parses exactly <c>YYYY-MM</c> (four-digit year, two-digit month 01–12).</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out LocalMonth month)
    {
        month = default;
        if (text is not { Length: 7 } || text[4] != '-'
            || !int.TryParse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            || !int.TryParse(text.AsSpan(5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            || year < 1 || year > 9998 || number < 1 || number > 12)
        {
            return false;
        }

        month = new LocalMonth(year, number);
        return true;
    }

    public int CompareTo(LocalMonth other) => ((Year * 12) + Month).CompareTo((other.Year * 12) + other.Month);

    public static bool operator <(LocalMonth left, LocalMonth right) => left.CompareTo(right) < 0;
    public static bool operator >(LocalMonth left, LocalMonth right) => left.CompareTo(right) > 0;
    public static bool operator <=(LocalMonth left, LocalMonth right) => left.CompareTo(right) <= 0;
    public static bool operator >=(LocalMonth left, LocalMonth right) => left.CompareTo(right) >= 0;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Year:D4}-{Month:D2}");
}
