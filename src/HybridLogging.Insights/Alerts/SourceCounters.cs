namespace HybridLogging.Insights.Alerts;

/// <summary>
/// Per-minute entry counts by level for one source, in a ring long enough for the widest rate window (60 whole minutes
/// plus the current one), and when the source last logged. Written by the dispatcher thread, read by the evaluation
/// timer; the lock is held for a few instructions by either side.
/// </summary>
internal sealed class SourceCounters
{
    public const int RingMinutes = 61;
    private const int Levels = 6; // Trace..Critical; LogLevel.None is never counted
    private readonly Lock _gate = new();
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
        lock (_gate)
        {
            if (_minutes[slot] != minute)
            {
                _minutes[slot] = minute;
                Array.Clear(_counts, slot * Levels, Levels);
            }

            _counts[(slot * Levels) + level]++;
        }

        Volatile.Write(ref _lastSeenTicks, nowTicks);
    }

    /// <summary>Entries at or above <paramref name="minLevel"/>, and all entries, from <paramref name="fromMinute"/> to <paramref name="toMinute"/> inclusive.</summary>
    public (long AtOrAbove, long Total) Sum(long fromMinute, long toMinute, int minLevel)
    {
        long atOrAbove = 0, total = 0;
        lock (_gate)
        {
            for (var minute = Math.Max(fromMinute, toMinute - RingMinutes + 1); minute <= toMinute; minute++)
            {
                var slot = (int)(minute % RingMinutes);
                if (_minutes[slot] != minute)
                {
                    continue;
                }

                for (var level = 0; level < Levels; level++)
                {
                    var count = _counts[(slot * Levels) + level];
                    total += count;
                    if (level >= minLevel)
                    {
                        atOrAbove += count;
                    }
                }
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
