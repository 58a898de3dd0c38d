using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using P1Telemetry.Server.Auth;
using P1Telemetry.Server.Diagnostics;
using P1Telemetry.Server.ReadPath;

namespace P1Telemetry.Server.Export;

public static class ExportEndpoints
{
    /// <summary><c>GET /v1/export?device_id=&amp;from=&amp;to=&amp;format=csv|json&amp;resolution=raw|quarter_hour</c>.</summary>
    public static RouteGroupBuilder MapExport(this RouteGroupBuilder group)
    {
        group.MapGet("/export", Export)
            .RequireDeviceAccess()
            .WithName("Export")
            .WithSummary("Download raw samples or quarter-hours of a range as CSV or JSON, streamed")
            .WithDescription("from and to (exclusive): RFC 3339 instants with Z or an offset, or dates YYYY-MM-DD meaning local " +
                "midnight in TIMEZONE. format: csv (default) | json; resolution: raw (default) | quarter_hour. Raw JSON is " +
                "{\"samples\":[...]}, the body POST /v1/ingest accepts. The response is an attachment with a file name.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return group;
    }

    internal static Results<PushStreamHttpResult, ProblemHttpResult> Export(
        [FromQuery(Name = "device_id")] string? deviceId,
        [FromQuery(Name = "from")] string? from,
        [FromQuery(Name = "to")] string? to,
        [FromQuery(Name = "format")] string? format,
        [FromQuery(Name = "resolution")] string? resolution,
        ReadPathSettings settings,
        ExportWriter writer,
        ILoggerFactory loggerFactory,
        HttpContext context)
    {
        var query = ExportQuery.Parse(from, to, format, resolution, settings.For(deviceId!).Calendar, out var problem);
        if (query is null)
        {
            return problem!;
        }

        var device = deviceId!;
        var logger = loggerFactory.CreateLogger(typeof(ExportEndpoints));
        var cancellationToken = context.RequestAborted;
        return TypedResults.Stream(
            async stream =>
            {
                ReadLog.ExportStarted(logger, device, query.ResolutionName, query.From, query.To, query.Extension);
                var pipe = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
                var rows = await writer.WriteAsync(device, query, pipe, cancellationToken);
                await pipe.CompleteAsync();
                ReadLog.ExportFinished(logger, device, rows);
            },
            query.ContentType,
            query.FileName(device, settings.For(device).Calendar));
    }
}
