using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using P1Telemetry.Server.Auth;
using P1Telemetry.Server.ReadPath;

namespace P1Telemetry.Server.Series;

public static class SeriesEndpoints
{
    private const string Json = "application/json";

    /// <summary><c>GET /v1/series?device_id=&amp;frame=&amp;date=&amp;bucket=</c>.</summary>
    public static RouteGroupBuilder MapSeries(this RouteGroupBuilder group)
    {
        group.MapGet("/series", GetSeriesAsync)
            .RequireDeviceAccess()
            .WithName("GetSeries")
            .WithSummary("Power and energy per local hour, day, week or month, from the quarter-hour rollup")
            .WithDescription("frame: day (default) | month | year | all. At most 10000 buckets per answer (400 otherwise). date (YYYY-MM-DD, default today in TIMEZONE) picks " +
                "the day, month or year. bucket: hour | day | week | month, defaulting to hour for a day, week for a month " +
                "and month for a year or everything; buckets are clipped to the frame and start with their local offset. " +
                "Energies are register deltas, so they add up over the frame. No data answers 200 with series: [].")
            .Produces<SeriesResponse>(contentType: Json)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return group;
    }

    internal static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetSeriesAsync(
        [FromQuery(Name = "device_id")] string? deviceId,
        [FromQuery(Name = "frame")] string? frame,
        [FromQuery(Name = "date")] string? date,
        [FromQuery(Name = "bucket")] string? bucket,
        SeriesService series,
        CancellationToken cancellationToken)
    {
        var query = SeriesQuery.Parse(frame, date, bucket, series.Today(deviceId!), out var problem);
        if (query is null)
        {
            return problem!;
        }

        try
        {
            return TypedResults.File(await series.GetJsonAsync(deviceId!, query, cancellationToken), Json);
        }
        catch (SeriesTooLargeException ex)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "Too many buckets",
                detail: $"frame '{SeriesQuery.Name(query.Frame)}' with bucket '{SeriesQuery.Name(query.Bucket)}' needs about {ex.Buckets} buckets; " +
                    $"at most {ReadLimits.MaxSeriesBuckets} are answered per request: use a longer bucket or a shorter frame.",
                extensions: new Dictionary<string, object?> { ["parameter"] = "bucket", ["max_buckets"] = ReadLimits.MaxSeriesBuckets });
        }
    }
}
