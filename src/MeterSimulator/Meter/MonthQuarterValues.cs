using System.Collections.Concurrent;
using P1Telemetry.Contracts.Domain;

namespace P1Telemetry.MeterSimulator.Meter;

/// <summary>
/// The quarter-hour values (1-0:1.4.0 at each quarter's end) a household's meter produced since the start of a
/// local month, so that a meter started mid-month shows the month peak (1-0:1.6.0) it would have reached had it
/// been running since the 1st. Computed second by second like <see cref="EnergyBooking"/> (so exactly what a
/// history of any interval shows for the same quarters) and kept per process: a month is at most about 2,980
/// quarters (2.7 million seconds of profile, about a second of CPU), and meters started again in the same month
/// (tests, restarts of the in-process host) only compute the quarters not seen yet.
/// </summary>
internal static class MonthQuarterValues
{
    private static readonly ConcurrentDictionary<(int Seed, string Zone, DateTimeOffset MonthStart), Month> _months = new();

    /// <summary>
    /// The highest of the first <paramref name="quarters"/> quarters from <paramref name="monthStart"/> (the
    /// earliest if several are equal) and the instant its quarter ended; null for none.
    /// </summary>
    public static (int ValueW, DateTimeOffset QuarterEnd)? Peak(int seed, TimeZoneInfo timeZone, DateTimeOffset monthStart, int quarters)
    {
        if (quarters < 1)
        {
            return null;
        }

        var month = _months.GetOrAdd((seed, timeZone.Id, monthStart), key => new Month(new HouseholdProfile(key.Seed, timeZone), key.MonthStart));
        return month.Peak(quarters);
    }

    private sealed class Month(HouseholdProfile profile, DateTimeOffset start)
    {
        private readonly Lock _gate = new();
        private readonly List<int> _values = [];

        public (int ValueW, DateTimeOffset QuarterEnd) Peak(int quarters)
        {
            lock (_gate)
            {
                while (_values.Count < quarters)
                {
                    var quarterStart = start + (QuarterHour.Length * _values.Count);
                    var importJ = EnergyBooking.ImportJoules(profile, quarterStart, quarterStart + QuarterHour.Length);
                    _values.Add(TelegramGenerator.QuarterValueW(importJ));
                }

                var best = 0;
                for (var i = 1; i < quarters; i++)
                {
                    if (_values[i] > _values[best])
                    {
                        best = i;
                    }
                }

                return (_values[best], start + (QuarterHour.Length * (best + 1)));
            }
        }
    }
}
