namespace P1Telemetry.Edge.Health;

/// <summary>
/// Decides healthy or not from a report and the current time. The daemon applies it when writing the file
/// and the <c>health</c> command applies it again when reading, so a daemon that stopped writing is caught.
/// </summary>
public static class HealthEvaluator
{
    /// <summary>The daemon rewrites the file every few seconds; older than this means it is stuck or gone.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(60);

    /// <summary>No reading for this long: the meter is unreachable, not just between two polls.</summary>
    public static readonly TimeSpan MeterDownAfter = TimeSpan.FromMinutes(5);

    /// <summary>No successful upload for this long while samples wait.</summary>
    public static readonly TimeSpan UploadsStalledAfter = TimeSpan.FromMinutes(15);

    public static HealthReport Evaluate(HealthReport report, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(report);
        var problems = new List<string>();
        if (now - report.WrittenAt > StaleAfter)
        {
            problems.Add($"the health file was last written {(now - report.WrittenAt).TotalSeconds:0} s ago: the daemon is not running or is stuck");
        }

        var lastReading = report.LastReadingAt ?? report.StartedAt;
        if (now - lastReading > MeterDownAfter)
        {
            problems.Add($"no meter reading for {(now - lastReading).TotalMinutes:0} min ({report.MeterError ?? "no reason recorded"})");
        }

        var lastUpload = report.LastUploadAt ?? report.StartedAt;
        if (report.SpoolDepth > 0 && now - lastUpload > UploadsStalledAfter)
        {
            problems.Add($"no successful upload for {(now - lastUpload).TotalMinutes:0} min while {report.SpoolDepth} samples wait ({report.UploadError ?? "no reason recorded"})");
        }

        if (report.MeterClockStalled)
        {
            problems.Add("the meter answers but its own clock stopped advancing: its readings are stale");
        }

        if (report.BelgianFieldsMissing)
        {
            problems.Add("the meter stopped reporting its quarter-hour average and month peak (1-0:1.4.0, 1-0:1.6.0)");
        }

        return report with { Status = problems.Count == 0 ? "healthy" : "unhealthy", Problems = problems };
    }
}
