using Microsoft.AspNetCore.Http.HttpResults;

namespace P1Telemetry.Server.Capacity;

/// <summary>400 answers of the read endpoints, each naming the parameter that is wrong.</summary>
internal static class ReadProblems
{
    public static ProblemHttpResult BadParameter(string parameter, string detail) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status400BadRequest,
            title: $"Invalid {parameter}",
            detail: detail,
            extensions: new Dictionary<string, object?> { ["parameter"] = parameter });
}
