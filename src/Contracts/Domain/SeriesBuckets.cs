namespace P1Telemetry.Contracts.Domain;

/// <summary>Historical series from the quarter-hour rollup, bucketed by local hours, days, weeks or months.</summary>
public static class SeriesBuckets
{
    /// <summary>
    /// The bucket boundaries of <paramref name="frame"/>: local hour/day/ISO-week/month starts, with the first
    /// and last bucket clipped to the frame.
    /// </summary>
    public static IReadOnlyList<DateTimeOffset> Boundaries(LocalCalendar calendar, TimeRange frame, SeriesBucketSize size)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        var boundaries = new List<DateTimeOffset> { frame.Start };
        var date = calendar.DateOf(frame.Start);
        var cursor = frame.Start;
        while (cursor < frame.End)
        {
            DateTimeOffset next;
            switch (size)
            {
                case SeriesBucketSize.Hour:
                    // Local hours are UTC hours shifted by a fixed offset between DST changes of whole hours.
                    next = cursor.AddHours(1);
                    break;
                case SeriesBucketSize.Day:
                    date = date.AddDays(1);
                    next = calendar.StartOf(date);
                    break;
                case SeriesBucketSize.Week:
                    date = date.AddDays(7 - (((int)date.DayOfWeek + 6) % 7));
                    next = calendar.StartOf(date);
                    break;
                case SeriesBucketSize.Month:
                    date = new DateOnly(date.Year, date.Month, 1).AddMonths(1);
                    next = calendar.StartOf(date);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(size), size, "Unknown bucket size.");
            }

            cursor = next < frame.End ? next : frame.End;
            boundaries.Add(cursor);
        }

        return boundaries;
    }

    /// <summary>
    /// Aggregates <paramref name="slots"/> into the buckets between consecutive <paramref name="boundaries"/>.
    /// Energies are differences of the register interpolated at the boundaries (across gaps of any length:
    /// energy used while unobserved still happened), so they add up to the register delta over the data.
    /// Buckets entirely before the first or after the last reading are left out.
    /// </summary>
    /// <param name="slots">Rollup rows ordered by start; pass the slots just outside the frame too so that the
    /// outer boundaries are interpolated rather than clamped.</param>
    /// <param name="boundaries">Bucket boundaries from <see cref="Boundaries"/>.</param>
    /// <param name="calendar">Gives the buckets their local offsets.</param>
    public static IReadOnlyList<SeriesBucket> Aggregate(
        IReadOnlyList<QuarterSlot> slots,
        IReadOnlyList<DateTimeOffset> boundaries,
        LocalCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(slots);
        ArgumentNullException.ThrowIfNull(boundaries);
        ArgumentNullException.ThrowIfNull(calendar);
        var timeline = new RegisterTimeline(slots);
        var buckets = new List<SeriesBucket>();
        if (timeline.First is not { } first || timeline.Last is not { } last)
        {
            return buckets;
        }

        var slotIndex = 0;
        for (var i = 0; i + 1 < boundaries.Count; i++)
        {
            var start = boundaries[i];
            var end = boundaries[i + 1];
            long samples = 0, powerSum = 0, powerMax = long.MinValue;
            while (slotIndex < slots.Count && slots[slotIndex].Start < start)
            {
                slotIndex++;
            }

            while (slotIndex < slots.Count && slots[slotIndex].Start < end)
            {
                var slot = slots[slotIndex++];
                if (slot.SampleCount <= 0)
                {
                    continue;
                }

                samples += slot.SampleCount;
                powerSum += slot.PowerSumW;
                powerMax = Math.Max(powerMax, slot.PowerMaxW);
            }

            if (end <= first || start > last)
            {
                continue;
            }

            buckets.Add(new SeriesBucket(
                calendar.ToLocal(start),
                calendar.ToLocal(end),
                samples,
                samples > 0 ? (double)powerSum / samples : null,
                samples > 0 ? powerMax : null,
                timeline.ImportAtClamped(end) - timeline.ImportAtClamped(start),
                timeline.ExportAtClamped(end) - timeline.ExportAtClamped(start)));
        }

        return buckets;
    }
}
