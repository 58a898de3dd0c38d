namespace P1Telemetry.Edge.Uploading;

/// <summary>
/// Exponential backoff with full jitter: the n-th consecutive failure waits a uniformly random time in
/// [0, min(cap, base × 2^(n-1))), so many edges that lost the server at once do not return in lockstep.
/// </summary>
public sealed class ExponentialBackoff(TimeSpan baseDelay, TimeSpan maxDelay, Random random)
{
    public int Failures { get; private set; }

    /// <summary>The ceiling for the next delay (before jitter).</summary>
    public TimeSpan NextCeiling()
    {
        var exponent = Math.Min(Failures, 30);
        var ceiling = baseDelay.TotalSeconds * Math.Pow(2, exponent);
        return TimeSpan.FromSeconds(Math.Min(ceiling, maxDelay.TotalSeconds));
    }

    /// <summary>Records a failure and returns how long to wait before the next attempt.</summary>
    public TimeSpan NextDelay()
    {
        var ceiling = NextCeiling();
        Failures++;
        return TimeSpan.FromSeconds(ceiling.TotalSeconds * random.NextDouble());
    }

    public void Reset() => Failures = 0;
}
