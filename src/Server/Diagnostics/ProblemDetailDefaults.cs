namespace P1Telemetry.Server.Diagnostics;

/// <summary>Gives the framework's bare status-code problems (routing, content negotiation) a detail that says what to do.</summary>
internal static class ProblemDetailDefaults
{
    public static void Describe(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Detail is not null)
        {
            return;
        }

        var request = context.HttpContext.Request;
        problem.Detail = problem.Status switch
        {
            StatusCodes.Status400BadRequest => $"The request to {request.Path} has a missing or invalid parameter.",
            StatusCodes.Status404NotFound => $"There is no endpoint at {request.Path}; see /openapi/v1.json.",
            StatusCodes.Status405MethodNotAllowed => $"{request.Method} is not allowed on {request.Path}.",
            StatusCodes.Status415UnsupportedMediaType => $"Send the body as application/json, not '{request.ContentType ?? "(none)"}'.",
            _ => null,
        };
    }
}
