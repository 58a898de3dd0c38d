using System.Globalization;

namespace P1Telemetry.MeterSimulator.Cli;

/// <summary>
/// <c>p1-meter-simulator history --days N --out FILE [--seed N] [--end YYYY-MM-DD] [--interval-s 1]</c>:
/// writes the N local days before <c>--end</c> (exclusive; default today, so only the past) as CSV.
/// </summary>
internal static class HistoryCommand
{
    public static readonly IReadOnlySet<string> ValueOptions = new HashSet<string>(StringComparer.Ordinal)
    {
        "days", "out", "seed", "end", "interval-s", "timezone",
    };

    public static HistoryRequest? Parse(IEnumerable<string> args, TimeProvider timeProvider, List<string> errors)
    {
        var reader = new ArgumentReader(args, ValueOptions, new HashSet<string>(), _ => null, environmentPrefix: null);
        var days = reader.GetInt("days", 0);
        var output = reader.GetString("out");
        var seed = reader.GetInt("seed", 1);
        var interval = reader.GetInt("interval-s", 1);
        var timeZoneId = reader.GetString("timezone") ?? "Europe/Brussels";
        errors.AddRange(reader.Errors);

        if (days < 1)
        {
            errors.Add("--days must be a whole number of days, at least 1.");
        }

        if (string.IsNullOrWhiteSpace(output))
        {
            errors.Add("--out must name the CSV file to write ('-' for standard output).");
        }

        if (interval is < 1 or > 900 || 900 % interval != 0)
        {
            errors.Add($"--interval-s must divide 15 minutes (1, 10, 60, …), got {interval.ToString(CultureInfo.InvariantCulture)}.");
        }

        if (!SimulatorOptionsValidator.TryFindTimeZone(timeZoneId, out var timeZone))
        {
            errors.Add($"--timezone '{timeZoneId}' is not a known time zone.");
        }

        DateOnly end;
        if (reader.GetString("end") is { } endText)
        {
            if (!DateOnly.TryParseExact(endText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out end))
            {
                errors.Add($"--end must be a date like 2026-03-01, got '{endText}'.");
            }
        }
        else
        {
            end = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(timeProvider.GetUtcNow(), timeZone).DateTime);
        }

        return errors.Count == 0 ? new HistoryRequest(days, output!, seed, end, interval, timeZone) : null;
    }

    public static async Task<int> RunAsync(HistoryRequest request, TextWriter standardOutput, TextWriter standardError,
        CancellationToken cancellationToken)
    {
        var rows = 0L;
        if (request.OutputPath == "-")
        {
            rows = await HistoryCsvWriter.WriteAsync(standardOutput, request, cancellationToken);
        }
        else
        {
            var stream = new FileStream(request.OutputPath, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16, useAsync: true);
            await using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), 1 << 16);
            rows = await HistoryCsvWriter.WriteAsync(writer, request, cancellationToken);
        }

        await standardError.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"wrote {rows} rows ({request.Days} days ending {request.End:yyyy-MM-dd}, seed {request.Seed}) to {request.OutputPath}"));
        return 0;
    }
}

/// <summary>What the history command writes: <see cref="Days"/> local days ending at the start of <see cref="End"/>.</summary>
internal sealed record HistoryRequest(int Days, string OutputPath, int Seed, DateOnly End, int IntervalSeconds, TimeZoneInfo TimeZone)
{
    public DateTimeOffset StartUtc => LocalMidnightUtc(End.AddDays(-Days));

    public DateTimeOffset EndUtc => LocalMidnightUtc(End);

    private DateTimeOffset LocalMidnightUtc(DateOnly date)
    {
        var midnight = date.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(midnight, TimeZone.GetUtcOffset(midnight)).ToUniversalTime();
    }
}
