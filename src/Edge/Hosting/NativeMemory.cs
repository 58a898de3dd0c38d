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

    /// <summary>A compacting collection that decommits the free regions, then glibc's <c>malloc_trim</c>.</summary>
    public static void Trim()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        Call(() => MallocTrim(0));
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

    [DllImport("libc.so.6", EntryPoint = "malloc_trim")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MallocTrim(nuint pad);
}
