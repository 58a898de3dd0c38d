using P1Telemetry.Edge.Hosting;
using P1Telemetry.TestInfrastructure;

namespace P1Telemetry.Edge.Tests;

public sealed class MemoryTrimmerTests
{
    [Fact]
    public async Task Trims_soon_after_start_then_once_per_interval_and_not_after_the_host_stopped()
    {
        var time = new TimerWatch(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var trims = 0;
        using var trimmer = new MemoryTrimmer(time, () => Interlocked.Increment(ref trims));
        await trimmer.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => time.ActiveTimers >= 1, "the trimmer waits for its first trim");

        time.Advance(MemoryTrimmer.FirstTrim - TimeSpan.FromSeconds(1));
        Assert.Equal(0, Volatile.Read(ref trims));
        time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => Volatile.Read(ref trims) == 1, "a first trim soon after start-up");
        await Eventually.TrueAsync(() => time.ActiveTimers == 1, "then the trimmer waits for its interval");
        time.Advance(MemoryTrimmer.Interval - MemoryTrimmer.FirstTrim - TimeSpan.FromSeconds(1));
        Assert.Equal(1, Volatile.Read(ref trims));
        time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => Volatile.Read(ref trims) == 2, "one trim per interval");
        time.Advance(MemoryTrimmer.Interval);
        await Eventually.TrueAsync(() => Volatile.Read(ref trims) == 3, "another after the next interval");

        await trimmer.StopAsync(CancellationToken.None);
        time.Advance(MemoryTrimmer.Interval * 3);
        Assert.Equal(3, Volatile.Read(ref trims));
    }

    [Fact]
    public void The_real_trim_runs_on_this_platform()
    {
        var collections = GC.CollectionCount(GC.MaxGeneration);

        NativeMemory.Trim();

        Assert.True(GC.CollectionCount(GC.MaxGeneration) > collections, "a full collection ran");
    }

    [Fact]
    public void Only_read_only_file_mappings_without_written_pages_are_released()
    {
        var mappings = NativeMemory.CleanFileMappings();

        var smaps = File.ReadAllText("/proc/self/smaps");
        Assert.NotEmpty(mappings);
        Assert.Contains(mappings, m => MappingLine(smaps, m.Start).Contains("libc.so.6", StringComparison.Ordinal)
            && MappingLine(smaps, m.Start).Split(' ')[1] == "r-xp");
        foreach (var (start, _) in mappings)
        {
            var line = MappingLine(smaps, start);
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(fields[1] is "r--p" or "r-xp", line);
            Assert.StartsWith("/", fields[^1], StringComparison.Ordinal);
        }

        Assert.DoesNotContain(mappings, m => MappingLine(smaps, m.Start).Contains("[heap]", StringComparison.Ordinal));
    }

    [Fact]
    public void Code_whose_pages_were_released_runs_on()
    {
        var before = ResidentFileKb();

        var released = NativeMemory.ReleaseCleanFilePages();
        var after = ResidentFileKb();
        var json = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, int> { ["released"] = released });

        Assert.True(released > 0, "some mappings were released");
        Assert.True(after < before, $"resident file pages went down ({before} kB → {after} kB)");
        Assert.Equal($"{{\"released\":{released}}}", json);
    }

    private static string MappingLine(string smaps, nint start)
    {
        var prefix = ((ulong)start).ToString("x", System.Globalization.CultureInfo.InvariantCulture) + "-";
        var index = smaps.IndexOf("\n" + prefix, StringComparison.Ordinal);
        var from = smaps.StartsWith(prefix, StringComparison.Ordinal) ? 0 : index + 1;
        Assert.True(from >= 0 && (from == 0 || index >= 0), $"mapping {prefix} is in smaps");
        return smaps[from..smaps.IndexOf('\n', from)];
    }

    private static long ResidentFileKb()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("RssFile:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
    }
}
