using System.Globalization;

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

    /// <summary>A reading that could not be spooled is lost: it stays a problem for this long, so someone notices.</summary>
    public static readonly TimeSpan SpoolFailureShownFor = TimeSpan.FromMinutes(10);

    public static HealthReport Evaluate(HealthReport report, DateTimeOffset now, HealthThresholds? thresholds = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        thresholds ??= HealthThresholds.Default;
        var problems = new List<string>();
        var warnings = new List<string>();
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
        if (report.SpoolDepth + report.QuarantineCount > 0 && now - lastUpload > UploadsStalledAfter)
        {
            var quarantined = report.QuarantineCount > 0 ? $" and {report.QuarantineCount} are quarantined" : "";
            problems.Add($"no successful upload for {(now - lastUpload).TotalMinutes:0} min while {report.SpoolDepth} samples wait{quarantined} ({report.UploadError ?? "no reason recorded"})");
        }

        if (report.ClockSkewDetectedAt is not null)
        {
            var skew = report.ClockSkewSeconds is { } seconds ? string.Create(CultureInfo.InvariantCulture, $"{seconds:0} s") : "too far";
            problems.Add($"the server refuses samples {skew} ahead of its clock; they stay spooled until the clocks of the edge and the server agree (NTP)");
        }

        if (report.LastSpoolWriteFailureAt is { } failedAt && now - failedAt <= SpoolFailureShownFor)
        {
            problems.Add($"{report.SpoolWriteFailures} readings could not be written to the spool, the last {(now - failedAt).TotalSeconds:0} s ago ({report.SpoolWriteError ?? "no reason recorded"})");
        }

        if (report.SpoolDiskFreeBytes is { } free)
        {
            var freeMb = free / (1024 * 1024);
            if (free < thresholds.DiskMinBytes)
            {
                problems.Add($"only {freeMb} MB free on the spool's disk (SPOOL_DISK_MIN_MB = {thresholds.DiskMinBytes / (1024 * 1024)}): free space before readings can no longer be spooled");
            }
            else if (free < thresholds.DiskWarnBytes)
            {
                warnings.Add($"{freeMb} MB free on the spool's disk (SPOOL_DISK_WARN_MB = {thresholds.DiskWarnBytes / (1024 * 1024)})");
            }
        }

        if (report.MeterClockStalled)
        {
            problems.Add("the meter answers but its own clock stopped advancing: its readings are stale");
        }

        if (report.BelgianFieldsMissing)
        {
            problems.Add("the meter stopped reporting its quarter-hour average and month peak (1-0:1.4.0, 1-0:1.6.0)");
        }

        return report with
        {
            Status = problems.Count == 0 ? "healthy" : "unhealthy",
            Problems = problems,
            Warnings = warnings,
            SamplesNotUploaded = report.SpoolDepth + report.QuarantineCount,
        };
    }
}
