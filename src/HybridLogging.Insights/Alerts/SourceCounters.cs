namespace HybridLogging.Insights.Alerts;

/// <summary>
/// Per-minute entry counts by level for one source, in a ring long enough for the widest rate window (60 whole minutes
/// plus the current one), and when the source last logged.
/// </summary>
/// <remarks>
/// One writer, the pipeline's dispatcher thread, and lock-free readers on the evaluation timer: the writer marks a slot
/// as being reset (-1) while it clears it, and a reader that sees the slot's minute change while it read the counts
/// treats the slot as empty. A count read mid-update is at most one entry behind, which a threshold tolerates.
/// </remarks>
internal sealed class SourceCounters
{
    public const int RingMinutes = 61;
    private const int Levels = 6; // Trace..Critical; LogLevel.None is never counted
    private readonly long[] _minutes = new long[RingMinutes];
    private readonly int[] _counts = new int[RingMinutes * Levels];
    private long _lastSeenTicks;

    public SourceCounters(string name, long nowTicks)
    {
        Name = name;
        _lastSeenTicks = nowTicks;
        Array.Fill(_minutes, -1L);
    }

    public string Name { get; }

    /// <summary>UTC ticks of the last entry (or of when the source started being watched, if it never logged).</summary>
    public long LastSeenTicks => Volatile.Read(ref _lastSeenTicks);

    public void Record(int level, long nowTicks)
    {
        var minute = nowTicks / TimeSpan.TicksPerMinute;
        var slot = (int)(minute % RingMinutes);
        if (_minutes[slot] != minute)
        {
            Volatile.Write(ref _minutes[slot], -1L);
            Array.Clear(_counts, slot * Levels, Levels);
            Volatile.Write(ref _minutes[slot], minute);
        }

        ref var count = ref _counts[(slot * Levels) + level];
        Volatile.Write(ref count, count + 1);
        Volatile.Write(ref _lastSeenTicks, nowTicks);
    }

    /// <summary>Entries at or above <paramref name="minLevel"/>, and all entries, from <paramref name="fromMinute"/> to <paramref name="toMinute"/> inclusive.</summary>
    public (long AtOrAbove, long Total) Sum(long fromMinute, long toMinute, int minLevel)
    {
        long atOrAbove = 0, total = 0;
        for (var minute = Math.Max(fromMinute, toMinute - RingMinutes + 1); minute <= toMinute; minute++)
        {
            var slot = (int)(minute % RingMinutes);
            if (Volatile.Read(ref _minutes[slot]) != minute)
            {
                continue;
            }

            long slotAtOrAbove = 0, slotTotal = 0;
            for (var level = 0; level < Levels; level++)
            {
                var count = Volatile.Read(ref _counts[(slot * Levels) + level]);
                slotTotal += count;
                if (level >= minLevel)
                {
                    slotAtOrAbove += count;
                }
            }

            if (Volatile.Read(ref _minutes[slot]) == minute)
            {
                atOrAbove += slotAtOrAbove;
                total += slotTotal;
            }
        }

        return (atOrAbove, total);
    }

    /// <summary>
    /// Entries at or above <paramref name="minLevel"/> in the 60 seconds before <paramref name="nowTicks"/>, estimated
    /// from two minute buckets: the current minute's count plus the previous minute's, weighted by the part of it still
    /// inside the window (the sliding-window counter; exact when entries spread evenly over the previous minute).
    /// </summary>
    public double LastMinute(long nowTicks, int minLevel)
    {
        var minute = nowTicks / TimeSpan.TicksPerMinute;
        var current = Sum(minute, minute, minLevel).AtOrAbove;
        var previous = Sum(minute - 1, minute - 1, minLevel).AtOrAbove;
        var elapsed = (double)(nowTicks % TimeSpan.TicksPerMinute) / TimeSpan.TicksPerMinute;
        return current + (previous * (1 - elapsed));
    }
}
