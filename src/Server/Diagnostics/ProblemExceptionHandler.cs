using System.Data.Common;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace P1Telemetry.Server.Diagnostics;

/// <summary>
/// Every exception that escapes an endpoint still answers problem+json: a bad request keeps its 4xx, an
/// unreachable database is a 503 the client can retry, anything else a 500 without internals.
/// </summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problemDetails, ServerMetrics metrics, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody is left to answer, and nothing was committed for it.
            httpContext.Response.StatusCode = StatusCodes.Status499ClientClosedRequest;
            return true;
        }

        var (status, title, detail) = exception switch
        {
            BadHttpRequestException bad => (bad.StatusCode, "Bad request", bad.Message),
            DbException or TimeoutException => (StatusCodes.Status503ServiceUnavailable, "Database unavailable",
                "The database did not answer; retry later."),
            _ => (StatusCodes.Status500InternalServerError, "Internal server error", "An unexpected error occurred."),
        };

        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            metrics.DatabaseError("request");
        }

        if (status >= 500)
        {
            Log.UnhandledException(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
        }

        httpContext.Response.StatusCode = status;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }
}
