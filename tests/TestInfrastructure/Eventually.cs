namespace P1Telemetry.TestInfrastructure;

/// <summary>Waits on a condition instead of a fixed time: as short as the machine allows, as long as it needs.</summary>
public static class Eventually
{
    /// <summary>Waits (real time) until <paramref name="condition"/> holds; fails naming <paramref name="what"/> otherwise.</summary>
    public static Task TrueAsync(Func<bool> condition, string what, double seconds = 20) =>
        TrueAsync(() => Task.FromResult(condition()), what, TimeSpan.FromSeconds(seconds), pollInterval: TimeSpan.FromMilliseconds(10));

    /// <summary>Polls <paramref name="condition"/> until it holds; fails naming <paramref name="what"/> after <paramref name="seconds"/>.</summary>
    public static Task TrueAsync(Func<Task<bool>> condition, string what, double seconds) =>
        TrueAsync(condition, what, TimeSpan.FromSeconds(seconds));

    /// <summary>
    /// Polls <paramref name="condition"/> until it holds; on timeout fails naming <paramref name="what"/>, with
    /// <paramref name="diagnostics"/> (e.g. the logs of the processes involved) when given.
    /// </summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan timeout, Func<string>? diagnostics = null, TimeSpan? pollInterval = null)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out after {timeout} waiting until {what}" + (diagnostics is null ? string.Empty : "\n" + diagnostics()));
            }

            await Task.Delay(pollInterval ?? TimeSpan.FromMilliseconds(100));
        }
    }
}
