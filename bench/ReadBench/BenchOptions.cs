using System.Globalization;

namespace P1Telemetry.ReadBench;

/// <summary>Command-line options: <c>--days N --backend sqlite|postgres|both --iterations N</c>.</summary>
internal sealed record BenchOptions(int Days, string[] Backends, int Iterations)
{
    public static BenchOptions Parse(string[] args)
    {
        var days = 30;
        var backends = new[] { "sqlite", "postgres" };
        var iterations = 200;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--days":
                    days = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--backend":
                    backends = args[++i] == "both" ? backends : [args[i]];
                    break;
                case "--iterations":
                    iterations = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                default:
                    throw new ArgumentException($"Unknown option '{args[i]}'. Options: --days N (default 30; 365 = one year, 31.5M samples), " +
                        "--backend sqlite|postgres|both, --iterations N (default 200).");
            }
        }

        if (days < 35)
        {
            throw new ArgumentException("--days must be at least 35, so that one complete month is measured.");
        }

        return new BenchOptions(days, backends, iterations);
    }
}
