using System.CommandLine;
using System.Globalization;

namespace P1Telemetry.MeterSimulator.Cli;

/// <summary>
/// <c>p1-meter-simulator history --days N --out FILE [--seed N] [--end YYYY-MM-DD|INSTANT|now] [--interval-s 1]</c>:
/// writes the N local days before <c>--end</c> (exclusive; default today, so only the past) as CSV. An instant
/// (RFC 3339, or <c>now</c>) ends the history there instead of at a midnight, after the N whole days before its
/// local day, so that a live meter started at that instant (<c>--start</c>) continues it without a gap.
/// </summary>
internal static class HistoryCommand
{
    public static CommandOptions Options() => new CommandOptions()
        .Value("days", "N", "local days of history to write (at least 1)")
        .Value("out", "FILE", "the CSV file to write ('-' for standard output)")
        .Value("seed", "N", "household profile seed (default 1)")
        .Value("end", "YYYY-MM-DD|INSTANT|now", "where the history ends, exclusive (default today's local midnight); an instant ends it where a meter started with --start INSTANT continues it")
        .Value("interval-s", "N", "seconds between rows, dividing 15 minutes (default 1)")
        .Value("timezone", "ID", "meter time zone (default Europe/Brussels)");

    public static HistoryRequest? Read(ParseResult parse, CommandOptions definition, TimeProvider timeProvider, List<string> errors)
    {
        var reader = new ArgumentReader(parse, definition, _ => null, environmentPrefix: null);
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

        var end = default(DateTimeOffset);
        var endText = reader.GetString("end");
        if (endText is null)
        {
            var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(timeProvider.GetUtcNow(), timeZone).DateTime);
            end = HistoryRequest.LocalMidnightUtc(today, timeZone);
        }
        else if (!TryParseEnd(endText, timeProvider, timeZone, out end))
        {
            errors.Add($"--end must be a date like 2026-03-01 (its local midnight), an RFC 3339 instant like 2026-03-01T12:30:00Z, or 'now'; got '{endText}'.");
        }

        return errors.Count == 0 ? new HistoryRequest(days, output!, seed, end, interval, timeZone) : null;
    }

    /// <summary>A date means its local midnight; an instant or <c>now</c> is taken to the whole second (the meter clock's resolution).</summary>
    private static bool TryParseEnd(string text, TimeProvider timeProvider, TimeZoneInfo timeZone, out DateTimeOffset end)
    {
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            end = HistoryRequest.LocalMidnightUtc(date, timeZone);
            return true;
        }

        DateTimeOffset instant;
        if (string.Equals(text, "now", StringComparison.OrdinalIgnoreCase))
        {
            instant = timeProvider.GetUtcNow();
        }
        else if (!DateTimeOffset.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"],
            CultureInfo.InvariantCulture, DateTimeStyles.None, out instant)
            || !(text.EndsWith('Z') || text.EndsWith('z') || text[^6] is '+' or '-'))
        {
            // The offset is required: a local time without one is ambiguous once a year.
            end = default;
            return false;
        }

        end = new DateTimeOffset(instant.UtcTicks - (instant.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        return true;
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
            $"wrote {rows} rows (from {request.StartUtc:yyyy-MM-dd'T'HH:mm:ss'Z'} to {request.EndUtc:yyyy-MM-dd'T'HH:mm:ss'Z'}, seed {request.Seed}) to {request.OutputPath}"));
        return 0;
    }
}

/// <summary>
/// What the history command writes: the telegrams from local midnight <see cref="Days"/> days before the local day
/// of <see cref="EndUtc"/> up to <see cref="EndUtc"/> (exclusive; a midnight for a date, otherwise an instant).
/// </summary>
internal sealed record HistoryRequest(int Days, string OutputPath, int Seed, DateTimeOffset EndUtc, int IntervalSeconds, TimeZoneInfo TimeZone)
{
    public DateOnly EndLocalDate => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(EndUtc, TimeZone).DateTime);

    public DateTimeOffset StartUtc => LocalMidnightUtc(EndLocalDate.AddDays(-Days), TimeZone);

    public static DateTimeOffset LocalMidnightUtc(DateOnly date, TimeZoneInfo timeZone)
    {
        var midnight = date.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(midnight, timeZone.GetUtcOffset(midnight)).ToUniversalTime();
    }
}
