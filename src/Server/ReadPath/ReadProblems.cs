using Microsoft.AspNetCore.Http.HttpResults;

namespace P1Telemetry.Server.ReadPath;

/// <summary>400 answers of the read endpoints, each naming the parameter that is wrong.</summary>
internal static class ReadProblems
{
    public static ProblemHttpResult BadParameter(string parameter, string detail) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status400BadRequest,
            title: $"Invalid {parameter}",
            detail: detail,
            extensions: new Dictionary<string, object?> { ["parameter"] = parameter });

    /// <summary>A client's value as a problem quotes it: at most 40 characters.</summary>
    public static string Shorten(string? value) => value is null ? string.Empty : value.Length <= 40 ? value : value[..40] + "...";
}
