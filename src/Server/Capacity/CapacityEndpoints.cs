using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using P1Telemetry.Contracts.Domain;
using P1Telemetry.Server.Auth;
using P1Telemetry.Server.ReadPath;

namespace P1Telemetry.Server.Capacity;

public static class CapacityEndpoints
{
    private const string Json = "application/json";

    /// <summary><c>GET /v1/capacity/month/{YYYY-MM}</c> and <c>GET /v1/capacity/year/{YYYY}</c>.</summary>
    public static RouteGroupBuilder MapCapacity(this RouteGroupBuilder group)
    {
        group.MapGet("/capacity/month/{month}", GetMonthAsync)
            .RequireDeviceAccess()
            .WithName("GetCapacityMonth")
            .WithSummary("Every quarter-hour value of a local month, its peak, the rolling 12-month average and the cost")
            .WithDescription("month is YYYY-MM in the configured TIMEZONE. Quarter values come from the import register " +
                "interpolated at both quarter boundaries; quarters without data are reported as gaps and never count as peaks. " +
                "A month without data answers 200 with an empty peaks list and nulls.")
            .Produces<CapacityMonthResponse>(contentType: Json)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        group.MapGet("/capacity/year/{year}", GetYearAsync)
            .RequireDeviceAccess()
            .WithName("GetCapacityYear")
            .WithSummary("The twelve local months of a year: peaks, billed peaks, rolling averages and costs")
            .Produces<CapacityYearResponse>(contentType: Json)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return group;
    }

    internal static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetMonthAsync(
        string month,
        [FromQuery(Name = "device_id")] string? deviceId,
        CapacityService capacity,
        CancellationToken cancellationToken)
    {
        if (!LocalMonth.TryParse(month, out var parsed) || parsed.Year < ReadLimits.FirstYear || parsed.Year > ReadLimits.LastYear)
        {
            return ReadProblems.BadParameter("month", $"'{ReadProblems.Shorten(month)}' is not a month: use YYYY-MM between {ReadLimits.FirstYear} and {ReadLimits.LastYear}, e.g. 2026-03.");
        }

        return TypedResults.File(await capacity.GetMonthJsonAsync(deviceId!, parsed, cancellationToken), Json);
    }

    internal static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetYearAsync(
        string year,
        [FromQuery(Name = "device_id")] string? deviceId,
        CapacityService capacity,
        CancellationToken cancellationToken)
    {
        if (year is not { Length: 4 }
            || !int.TryParse(year, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
            || parsed < ReadLimits.FirstYear || parsed > ReadLimits.LastYear)
        {
            return ReadProblems.BadParameter("year", $"'{ReadProblems.Shorten(year)}' is not a year: use YYYY between {ReadLimits.FirstYear} and {ReadLimits.LastYear}, e.g. 2026.");
        }

        return TypedResults.File(await capacity.GetYearJsonAsync(deviceId!, parsed, cancellationToken), Json);
    }

}
