using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using P1Telemetry.Contracts.Domain;
using P1Telemetry.Server.ReadPath;

namespace P1Telemetry.Server.Series;

/// <summary>The validated parameters of <c>GET /v1/series</c>.</summary>
public sealed record SeriesQuery(SeriesFrame Frame, DateOnly Date, SeriesBucketSize Bucket)
{
    public static string Name(SeriesFrame frame) => frame.ToString().ToLowerInvariant();

    public static string Name(SeriesBucketSize bucket) => bucket.ToString().ToLowerInvariant();

    /// <summary>Day → hour, month → week, year → month, all → month.</summary>
    public static SeriesBucketSize DefaultBucket(SeriesFrame frame) => frame switch
    {
        SeriesFrame.Day => SeriesBucketSize.Hour,
        SeriesFrame.Month => SeriesBucketSize.Week,
        _ => SeriesBucketSize.Month,
    };

    /// <summary>Parses the query; <paramref name="problem"/> names the first bad parameter.</summary>
    public static SeriesQuery? Parse(string? frame, string? date, string? bucket, DateOnly today, out ProblemHttpResult? problem)
    {
        problem = null;
        SeriesFrame parsedFrame;
        switch (frame)
        {
            case null or "" or "day": parsedFrame = SeriesFrame.Day; break;
            case "month": parsedFrame = SeriesFrame.Month; break;
            case "year": parsedFrame = SeriesFrame.Year; break;
            case "all": parsedFrame = SeriesFrame.All; break;
            default:
                problem = ReadProblems.BadParameter("frame", $"frame '{ReadProblems.Shorten(frame)}' is unknown: use day, month, year or all.");
                return null;
        }

        var parsedDate = today;
        if (!string.IsNullOrEmpty(date)
            && (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out parsedDate)
                || parsedDate.Year < ReadLimits.FirstYear || parsedDate.Year > ReadLimits.LastYear))
        {
            problem = ReadProblems.BadParameter("date",
                $"date '{ReadProblems.Shorten(date)}' is not a date: use YYYY-MM-DD between {ReadLimits.FirstYear} and {ReadLimits.LastYear}.");
            return null;
        }

        SeriesBucketSize parsedBucket;
        switch (bucket)
        {
            case null or "": parsedBucket = DefaultBucket(parsedFrame); break;
            case "hour": parsedBucket = SeriesBucketSize.Hour; break;
            case "day": parsedBucket = SeriesBucketSize.Day; break;
            case "week": parsedBucket = SeriesBucketSize.Week; break;
            case "month": parsedBucket = SeriesBucketSize.Month; break;
            default:
                problem = ReadProblems.BadParameter("bucket", $"bucket '{ReadProblems.Shorten(bucket)}' is unknown: use hour, day, week or month.");
                return null;
        }

        if (parsedFrame == SeriesFrame.Day && parsedBucket > SeriesBucketSize.Day)
        {
            problem = ReadProblems.BadParameter("bucket", $"bucket '{bucket}' is longer than frame 'day': use hour or day.");
            return null;
        }

        return new SeriesQuery(parsedFrame, parsedDate, parsedBucket);
    }
}
