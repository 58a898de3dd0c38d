using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using P1Telemetry.Contracts.Domain;
using P1Telemetry.Server.ReadPath;

namespace P1Telemetry.Server.Export;

public enum ExportFormat
{
    Csv,
    Json,
}

public enum ExportResolution
{
    Raw,
    QuarterHour,
}

/// <summary>The validated parameters of <c>GET /v1/export</c>.</summary>
public sealed partial record ExportQuery(DateTimeOffset From, DateTimeOffset To, ExportFormat Format, ExportResolution Resolution)
{
    /// <summary>About ten years; a longer export is almost certainly a mistake in the parameters.</summary>
    public static readonly TimeSpan MaxRange = TimeSpan.FromDays(3660);

    public string ResolutionName => Resolution == ExportResolution.Raw ? "raw" : "quarter_hour";

    public string Extension => Format == ExportFormat.Csv ? "csv" : "json";

    public string ContentType => Format == ExportFormat.Csv ? "text/csv; charset=utf-8" : "application/json; charset=utf-8";

    /// <summary>E.g. <c>p1-meter-1-raw-20260301T0000-20260401T0000.csv</c>, in local time.</summary>
    public string FileName(string deviceId, LocalCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        var from = calendar.ToLocal(From).ToString("yyyyMMdd'T'HHmm", CultureInfo.InvariantCulture);
        var to = calendar.ToLocal(To).ToString("yyyyMMdd'T'HHmm", CultureInfo.InvariantCulture);
        return $"p1-{deviceId}-{ResolutionName}-{from}-{to}.{Extension}";
    }

    public static ExportQuery? Parse(
        string? from, string? to, string? format, string? resolution, LocalCalendar calendar, out ProblemHttpResult? problem)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        problem = null;
        if (!TryParseInstant(from, calendar, out var fromInstant))
        {
            problem = BadInstant("from", from);
            return null;
        }

        if (!TryParseInstant(to, calendar, out var toInstant))
        {
            problem = BadInstant("to", to);
            return null;
        }

        if (toInstant <= fromInstant)
        {
            problem = ReadProblems.BadParameter("to", $"The range is empty or reversed: to ({to}) must be after from ({from}).");
            return null;
        }

        if (toInstant - fromInstant > MaxRange)
        {
            problem = ReadProblems.BadParameter("to", $"The range from {from} to {to} is longer than {MaxRange.Days} days; export it in parts.");
            return null;
        }

        ExportFormat parsedFormat;
        switch (format)
        {
            case null or "" or "csv": parsedFormat = ExportFormat.Csv; break;
            case "json": parsedFormat = ExportFormat.Json; break;
            default:
                problem = ReadProblems.BadParameter("format", $"format '{ReadProblems.Shorten(format)}' is unknown: use csv or json.");
                return null;
        }

        ExportResolution parsedResolution;
        switch (resolution)
        {
            case null or "" or "raw": parsedResolution = ExportResolution.Raw; break;
            case "quarter_hour": parsedResolution = ExportResolution.QuarterHour; break;
            default:
                problem = ReadProblems.BadParameter("resolution", $"resolution '{ReadProblems.Shorten(resolution)}' is unknown: use raw or quarter_hour.");
                return null;
        }

        return new ExportQuery(fromInstant, toInstant, parsedFormat, parsedResolution);
    }

    /// <summary>An RFC 3339 instant with <c>Z</c> or an offset, or a date meaning local midnight.</summary>
    private static bool TryParseInstant(string? text, LocalCalendar calendar, out DateTimeOffset instant)
    {
        instant = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            if (date.Year < ReadLimits.FirstYear || date.Year > ReadLimits.LastYear)
            {
                return false;
            }

            instant = calendar.StartOf(date);
            return true;
        }

        if (!Rfc3339().IsMatch(text)
            || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
            || parsed.Year < ReadLimits.FirstYear || parsed.Year > ReadLimits.LastYear)
        {
            return false;
        }

        instant = parsed.ToUniversalTime();
        return true;
    }

    private static ProblemHttpResult BadInstant(string parameter, string? value) =>
        ReadProblems.BadParameter(parameter, string.IsNullOrEmpty(value)
            ? $"{parameter} is required: an RFC 3339 instant such as 2026-03-01T00:00:00Z, or a date YYYY-MM-DD (local midnight)."
            : $"{parameter} '{ReadProblems.Shorten(value)}' is not an RFC 3339 instant with Z or an offset, nor a date YYYY-MM-DD.");

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?(Z|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();
}
