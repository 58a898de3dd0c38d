using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace P1Telemetry.Server.Ingest;

/// <summary>
/// The problem answers of ingest that a client acts on by their <c>type</c>: invalid samples are quarantined,
/// clock skew and an unconfirmed store are retried with the batch kept.
/// </summary>
internal static class IngestProblems
{
    public const string InvalidSamplesType = "https://p1telemetry.org/problems/invalid-samples";
    public const string ClockSkewType = "https://p1telemetry.org/problems/clock-skew";
    public const string UnconfirmedType = "https://p1telemetry.org/problems/duplicates-not-confirmed";

    public static ProblemHttpResult Unprocessable(IngestBatch batch, DateTimeOffset serverTime, int maxClockSkewSeconds)
    {
        var extensions = new Dictionary<string, object?>
        {
            ["errors"] = batch.Errors,
            ["error_count"] = batch.ErrorCount,
        };
        if (batch.IsClockSkew)
        {
            extensions["server_time"] = serverTime.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            extensions["max_clock_skew_s"] = maxClockSkewSeconds;
            return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Sample timestamps ahead of the server clock",
                detail: batch.Detail, type: ClockSkewType, extensions: extensions);
        }

        return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Invalid samples",
            detail: batch.Detail, type: InvalidSamplesType, extensions: extensions);
    }

    /// <summary>The store could not show that the rows it called duplicates exist: nothing is acknowledged.</summary>
    public static ProblemHttpResult Unconfirmed(int missing) =>
        TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Duplicates not confirmed",
            detail: $"The database reported {missing} sample(s) of the batch as already stored, but they are not there; " +
                "nothing was stored. Retry the batch later.",
            type: UnconfirmedType,
            extensions: new Dictionary<string, object?> { ["missing"] = missing });
}
