using System.Runtime.InteropServices;

namespace P1Telemetry.Edge.Hosting;

/// <summary>The process's memory outside the managed heap: glibc's allocator, used by SQLite and OpenSSL.</summary>
internal static class NativeMemory
{
    // mallopt(3): M_ARENA_MAX.
    private const int _arenaMax = -8;

    /// <summary>
    /// One allocator arena for the whole process instead of one per thread that ever allocated: each arena keeps
    /// its own free pages, and a daemon that allocates a few kilobytes a second needs no parallel allocation.
    /// Must run before other threads allocate. No effect where the C library is not glibc.
    /// </summary>
    public static void UseSingleArena() => Call(() => MallOpt(_arenaMax, 1));

    // mallopt(3): M_TRIM_THRESHOLD and M_MMAP_THRESHOLD.
    private const int _trimThreshold = -1;
    private const int _mmapThreshold = -3;

    /// <summary>
    /// Fixed allocator thresholds instead of glibc's sliding ones. Every upload allocates and frees native blocks of
    /// up to a few hundred kilobytes (most likely the gzip compressor's state and TLS buffers); after the first
    /// block above the mmap threshold is freed, glibc
    /// raises its mmap threshold to that size and its trim threshold to twice that, so from then on these blocks
    /// come from the heap and up to a megabyte or two of freed memory stays mapped between two
    /// <see cref="Trim"/>s. With blocks of 64 KiB and more always mapped on their own (and unmapped when freed)
    /// and the heap's free top returned above 128 KiB, the heap stays at its live size. EdgeBench steady, native,
    /// websocket, sampled every 0.2 s: with 30 s between trims, RSS maximum 21.3-21.6 → 19.4-20.4 MB; with 10 s,
    /// anonymous memory stays near 8.0 MB instead of climbing some 0.2 MB/s to 9.3 MB before each trim (RSS
    /// maximum 20.2 → 17.9 MB); CPU unchanged, a few microseconds of mmap/munmap per upload.
    /// Must run before the first large allocation. No effect where the C library is not glibc.
    /// </summary>
    public static void UseFixedThresholds()
    {
        Call(() => MallOpt(_mmapThreshold, 64 * 1024));
        Call(() => MallOpt(_trimThreshold, 128 * 1024));
    }

    // madvise(2).
    private const int _dontNeed = 4;

    /// <summary>
    /// A compacting collection that decommits the free regions, glibc's <c>malloc_trim</c>, then the clean pages
    /// of the program and its libraries are unmapped so that only the ones still in use come back.
    /// </summary>
    public static void Trim()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        Call(() => MallocTrim(0));
        Call(ReleaseCleanFilePages);
    }

    /// <summary>
    /// Start-up runs code and reads tables (configuration binding, TLS setup, SQLite's schema work) that the steady
    /// state never touches again, and the kernel maps file pages in blocks around each fault: most of the program's
    /// and OpenSSL's pages stay mapped for nothing. Unmapping a mapping that holds no page of its own (read-only,
    /// nothing written, e.g. code and constant data) is always safe: a page touched again is mapped back from the
    /// page cache. Mappings with written pages (relocated data, heaps) are left alone, since unmapping those would
    /// throw their contents away.
    /// </summary>
    internal static int ReleaseCleanFilePages()
    {
        List<(nint Start, nuint Length)> mappings;
        try
        {
            mappings = CleanFileMappings();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // No /proc (a container without it): nothing to release.
            return 0;
        }

        var released = 0;
        foreach (var mapping in mappings)
        {
            if (MAdvise(mapping.Start, mapping.Length, _dontNeed) == 0)
            {
                released++;
            }
        }

        return released;
    }

    internal static List<(nint Start, nuint Length)> CleanFileMappings()
    {
        var mappings = new List<(nint, nuint)>();
        (nint Start, nuint Length, bool Candidate) current = default;
        var clean = false;
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            var header = MappingHeader(line);
            if (header is { } mapping)
            {
                if (current.Candidate && clean)
                {
                    mappings.Add((current.Start, current.Length));
                }

                current = mapping;
                clean = true;
            }
            else if (line.StartsWith("Private_Dirty:", StringComparison.Ordinal) || line.StartsWith("Anonymous:", StringComparison.Ordinal)
                || line.StartsWith("Shared_Dirty:", StringComparison.Ordinal))
            {
                clean &= line.AsSpan(line.IndexOf(':') + 1).Trim().StartsWith("0 kB", StringComparison.Ordinal);
            }
        }

        if (current.Candidate && clean)
        {
            mappings.Add((current.Start, current.Length));
        }

        return mappings;
    }

    /// <summary>A smaps mapping line ("start-end perms offset dev inode path"), a candidate when read-only, private and file-backed.</summary>
    private static (nint Start, nuint Length, bool Candidate)? MappingHeader(string line)
    {
        var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
        var dash = fields.Length < 5 ? -1 : fields[0].IndexOf('-');
        if (dash <= 0 || fields[1].Length != 4)
        {
            return null;
        }

        if (!ulong.TryParse(fields[0].AsSpan(0, dash), System.Globalization.NumberStyles.HexNumber, null, out var start)
            || !ulong.TryParse(fields[0].AsSpan(dash + 1), System.Globalization.NumberStyles.HexNumber, null, out var end))
        {
            return null;
        }

        var readOnlyPrivate = fields[1][0] == 'r' && fields[1][1] == '-' && fields[1][3] == 'p';
        var fileBacked = fields.Length == 6 && fields[5].Trim().StartsWith('/');
        return ((nint)start, (nuint)(end - start), readOnlyPrivate && fileBacked);
    }

    private static void Call(Func<int> function)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            function();
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            // musl or another C library without these glibc extensions: nothing to tune.
        }
    }

    // glibc's soname; blittable signatures, so the calls need no marshalling code (native or JIT).
    [DllImport("libc.so.6", EntryPoint = "mallopt")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MallOpt(int parameter, int value);

    [DllImport("libc.so.6", EntryPoint = "madvise")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MAdvise(nint address, nuint length, int advice);

    [DllImport("libc.so.6", EntryPoint = "malloc_trim")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MallocTrim(nuint pad);
}
