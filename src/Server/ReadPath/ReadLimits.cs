namespace P1Telemetry.Server.ReadPath;

/// <summary>The calendar years the read endpoints answer for; anything else is a client error, not a crash.</summary>
internal static class ReadLimits
{
    public const int FirstYear = 1971;
    public const int LastYear = 9990;

    /// <summary>Buckets per series answer: a year of hours fits, everything in hours over a long history does not.</summary>
    public const int MaxSeriesBuckets = 10_000;
}
